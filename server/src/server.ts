/**
 * Language server entry: `node dist/server.js --stdio` (or any transport vscode-languageserver
 * accepts). All behaviour lives in lsp/.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startSession } from './lsp/session';

startSession(createConnection(ProposedFeatures.all));
