// Socket.IO 4.8 with the Redis adapter: the peer the benchmark's `peers` phase measures agentbus
// against (not shipped). Two of these, one Redis: a broadcast made on either reaches the clients
// of both, like a message published on either agentbus node. Nothing is stored.
//
// Protocol of the bench: a client emits "join" with a room and gets "subscribed"; a publisher
// emits "pub" with {room, msg}; every member of the room gets "m" with msg.
//
// Run: node server.js PORT REDIS_PORT
const { createServer } = require("node:http");
const { Server } = require("socket.io");
const { createAdapter } = require("@socket.io/redis-adapter");
const { createClient } = require("redis");

const port = Number(process.argv[2] || 3000);
const redisPort = Number(process.argv[3] || 6379);

async function main() {
  const pub = createClient({ url: `redis://127.0.0.1:${redisPort}` });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const httpServer = createServer();
  // WebSocket only, as agentbus's /ws: no long-polling upgrade dance.
  const io = new Server(httpServer, { transports: ["websocket"], adapter: createAdapter(pub, sub) });
  io.on("connection", (socket) => {
    socket.on("join", (room) => {
      socket.join(room);
      socket.emit("subscribed", room);
    });
    socket.on("pub", (p) => {
      io.to(p.room).emit("m", p.msg);
    });
  });
  httpServer.listen(port, "127.0.0.1", () => console.log(`socket.io listening on 127.0.0.1:${port}`));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
