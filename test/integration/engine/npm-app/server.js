// What the app needs at run time: express and its dependencies, from node_modules.
const express = require('express');
console.log(`express ${require('express/package.json').version}: ${typeof express().listen}`);
