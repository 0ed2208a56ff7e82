/**
 * Public face of the size model. The language server, the CLI and the rules import only from
 * here. (Implementation in progress in this folder; see the exported signatures.)
 */
export {};
