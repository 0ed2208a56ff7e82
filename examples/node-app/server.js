const http = require('node:http');

http.createServer((_req, res) => res.end('hello')).listen(3000);
