/**
 * The file-system calls the server makes, as promises over Node's callback API. `fs.promises`
 * would serve as well, but its first use loads Node's internal fs/promises module with the ones it
 * pulls in (file handles, watchers, readline): about 2.2 ms of a fresh process's time (plain Node
 * 20, five runs), spent on the way to the first diagnostics, where the first document's Compose
 * and configuration lookups made the first calls. The callback API is loaded with Node itself.
 * Each function takes the arguments and gives the results of its `fs.promises` namesake, for the
 * forms the server uses (paths, not file handles).
 */
import * as fs from 'node:fs';
import { promisify } from 'node:util';

export const readFile = promisify(fs.readFile) as typeof fs.promises.readFile;
export const writeFile = promisify(fs.writeFile) as typeof fs.promises.writeFile;
export const stat = promisify(fs.stat) as typeof fs.promises.stat;
export const lstat = promisify(fs.lstat) as typeof fs.promises.lstat;
export const readdir = promisify(fs.readdir) as typeof fs.promises.readdir;
// fs.realpath is a JavaScript walk (an lstat per folder, failing with the first missing folder's
// lstat error, which the scan's failure shows); fs.promises.realpath is realpath(3), as
// fs.realpath.native is.
export const realpath = promisify(fs.realpath.native) as typeof fs.promises.realpath;
export const opendir = promisify(fs.opendir) as typeof fs.promises.opendir;
export const mkdir = promisify(fs.mkdir) as typeof fs.promises.mkdir;
export const rename = promisify(fs.rename) as typeof fs.promises.rename;
