/**
 * Language server entry: `node dist/server.js --stdio` (or any transport vscode-languageserver
 * accepts). All behaviour lives in lsp/.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startSession } from './lsp/session';
import { recordRejection } from './lsp/rejections';

const connection = createConnection(ProposedFeatures.all);
// A bug must cost one answer, not the server: log it and keep serving.
process.on('unhandledRejection', (reason) => connection.console.error(`dockerfile-size-hints: unhandled rejection: ${recordRejection(reason)}`));
startSession(connection);
