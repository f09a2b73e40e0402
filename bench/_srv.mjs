import { startBenchServer } from './server.mjs';
const server = await startBenchServer();
console.log(server.wsOrigin);
process.stdin.resume(); process.stdin.on('end', () => server.close());
