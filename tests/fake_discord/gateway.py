"""The websocket half of the fake: what ``discord.gateway.DiscordWebSocket`` connects to.

Protocol notes, taken from discord.py 2.7's ``gateway.py``:

* The client connects with ``?v=10&encoding=json&compress=zlib-stream`` (``zstd-stream`` if
  a zstd module is importable). It decodes BINARY frames with its decompressor but accepts
  plain TEXT frames too, so we compress when ``zlib-stream`` is asked for (to exercise the
  real path) and fall back to text otherwise.
* On HELLO it heartbeats at once, then sends IDENTIFY (or RESUME on reconnects). READY must
  carry ``session_id`` and ``resume_gateway_url``; the latter is where it RESUMEs.
* A server close with a code outside {1000, 4004, 4010-4014} (e.g. 4000) or a dropped TCP
  connection makes it RESUME; INVALID_SESSION ``false`` makes it re-IDENTIFY.

Every dispatch is appended to the session log before sending, so events produced while the
client is disconnected are replayed on RESUME exactly like on Discord.

Sharding, as on Discord: IDENTIFY's ``shard: [id, count]`` makes a session own the guilds with
``(guild_id >> 22) % count == id``. READY, GUILD_CREATE and every event carrying a guild
(interactions included) go only to the owning shard's session; DMs go to shard 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import logging
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import WSMsgType, web

from .payloads import JSON
from .recording import Waiters

log = logging.getLogger(__name__)

PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)
"""GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT."""


class Intent(enum.IntFlag):
    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15


class Op(enum.IntEnum):
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


GUILD_OBJECT_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})
"""Events whose payload is the guild itself (its ``id``), not an object with a ``guild_id``."""


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """Discord's routing rule: a guild lives on shard ``(guild_id >> 22) % count``; DMs on 0."""
    return 0 if guild_id is None else (guild_id >> 22) % shard_count


def guild_of(event: str, data: JSON) -> int | None:
    """The guild a dispatch belongs to, or None for DMs and events without a guild."""
    raw = data.get("id") if event in GUILD_OBJECT_EVENTS else data.get("guild_id")
    return None if raw is None else int(raw)


class GatewayWorld(Protocol):
    """What the gateway needs from the rest of the fake to build its events."""

    token: str

    def ready_payload(self, session: GatewaySession) -> JSON: ...

    def guild_create_payloads(self, session: GatewaySession) -> list[JSON]: ...

    def member_chunks(self, request: JSON, session: GatewaySession) -> list[JSON]: ...


@dataclass
class GatewaySession:
    """A logical gateway session; it outlives connections so RESUME can replay its log."""

    id: str
    intents: int
    shard: list[int]
    events: list[JSON] = field(default_factory=list)
    acked_seq: int = 0
    """Highest sequence the client reported in a heartbeat, i.e. has fully processed."""
    ready: bool = False
    connection: GatewayConnection | None = None

    @property
    def seq(self) -> int:
        return self.events[-1]["s"] if self.events else 0

    def has_intent(self, intent: int) -> bool:
        return bool(self.intents & intent)

    def owns(self, guild_id: int | None) -> bool:
        """Whether Discord would route this guild's events (None: DMs) to this session."""
        shard_id, shard_count = self.shard
        return shard_of(guild_id, shard_count) == shard_id


class GatewayConnection:
    """One websocket. A single writer task keeps frame order (and the zlib stream) intact."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.ws = ws
        self.path = request.path
        self.query = dict(request.query)
        self.compression = "zlib-stream" if self.query.get("compress") == "zlib-stream" else None
        self.session: GatewaySession | None = None
        self.heartbeats = 0
        self._transport = request.transport
        self._compressor = zlib.compressobj() if self.compression else None
        self._queue: asyncio.Queue[JSON | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write_loop(), name="fake-gateway-writer")

    def send(self, frame: JSON) -> None:
        self._queue.put_nowait(frame)

    async def _write_loop(self) -> None:
        while (frame := await self._queue.get()) is not None:
            raw = json.dumps(frame, separators=(",", ":"))
            try:
                if self._compressor is None:
                    await self.ws.send_str(raw)
                else:
                    chunk = self._compressor.compress(raw.encode())
                    await self.ws.send_bytes(chunk + self._compressor.flush(zlib.Z_SYNC_FLUSH))
            except (ConnectionError, RuntimeError):
                return  # the peer is gone; unsent dispatches stay in the session log

    async def close(self, code: int, *, abrupt: bool = False) -> None:
        """Close with a close frame, or (``abrupt``) drop TCP like a network failure."""
        if abrupt and self._transport is not None:
            self._transport.abort()
        else:
            await self.ws.close(code=code, message=b"closed by fake discord")

    async def finish(self) -> None:
        self._queue.put_nowait(None)
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer


class FakeGateway:
    """Accepts discord.py's websocket, speaks the gateway protocol, and keeps session logs."""

    def __init__(
        self,
        world: GatewayWorld,
        waiters: Waiters,
        *,
        heartbeat_interval: float,
        allowed_privileged_intents: int = PRIVILEGED_INTENTS,
    ) -> None:
        self._world = world
        self._waiters = waiters
        self.heartbeat_interval = heartbeat_interval
        self.allowed_privileged_intents = allowed_privileged_intents
        self.resume_url = ""
        self.sessions: dict[str, GatewaySession] = {}
        self.session: GatewaySession | None = None
        """The most recently identified session (the chaos helpers below act on it)."""
        self.shards: dict[int, GatewaySession] = {}
        """The live session of each shard id: where :meth:`dispatch` routes events."""
        self.connections: list[GatewayConnection] = []
        self.identify_payloads: list[JSON] = []
        self.identify_count = 0
        self.resume_count = 0
        self.invalid_session_count = 0
        self.presence_updates: list[JSON] = []

    # ------------------------------------------------------------------ websocket handler

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=2.0, max_msg_size=0)
        await ws.prepare(request)
        connection = GatewayConnection(ws, request)
        self.connections.append(connection)
        connection.send({"op": Op.HELLO, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}})
        try:
            async for message in ws:
                if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    await self._on_frame(connection, json.loads(message.data))
        finally:
            self._detach(connection)
            await connection.finish()
            self._waiters.notify()
        return ws

    async def _on_frame(self, connection: GatewayConnection, frame: JSON) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == Op.HEARTBEAT:
            connection.heartbeats += 1
            if connection.session is not None and isinstance(data, int):
                connection.session.acked_seq = max(connection.session.acked_seq, data)
            connection.send({"op": Op.HEARTBEAT_ACK, "d": None})
            self._waiters.notify()
        elif op == Op.IDENTIFY:
            await self._identify(connection, data)
        elif op == Op.RESUME:
            self._resume(connection, data)
        elif connection.session is None:
            await connection.close(4003)  # Not authenticated
        elif op == Op.REQUEST_GUILD_MEMBERS:
            for chunk in self._world.member_chunks(data, connection.session):
                self._dispatch_to(connection.session, "GUILD_MEMBERS_CHUNK", chunk)
        elif op == Op.PRESENCE_UPDATE:
            self.presence_updates.append(data)
        else:
            log.warning("fake gateway ignoring op %s: %s", op, frame)

    async def _identify(self, connection: GatewayConnection, data: JSON) -> None:
        if connection.session is not None:
            await connection.close(4005)  # Already authenticated
            return
        if data.get("token") != self._world.token:
            await connection.close(4004)  # Authentication failed
            return
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED_INTENTS & ~self.allowed_privileged_intents:
            await connection.close(4014)  # Disallowed intent(s)
            return
        shard = data.get("shard", [0, 1])
        if not _valid_shard(shard):
            await connection.close(4010)  # Invalid shard
            return
        self.identify_payloads.append({k: v for k, v in data.items() if k != "token"})
        session = GatewaySession(id=uuid.uuid4().hex, intents=intents, shard=list(shard))
        self.sessions[session.id] = session
        self.session = session
        if any(live.shard[1] != shard[1] for live in self.shards.values()):
            self.shards.clear()  # a bot restarted with another shard count
        self.shards[shard[0]] = session
        self._attach(session, connection)
        self._dispatch_to(session, "READY", self._world.ready_payload(session))
        for guild in self._world.guild_create_payloads(session):
            self._dispatch_to(session, "GUILD_CREATE", guild)
        session.ready = True
        self.identify_count += 1
        connection.send({"op": Op.HEARTBEAT, "d": None})  # prompt an ack of everything above
        self._waiters.notify()

    def _resume(self, connection: GatewayConnection, data: JSON) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self._world.token:
            self.invalid_session_count += 1
            connection.send({"op": Op.INVALID_SESSION, "d": False})
            return
        client_seq = data.get("seq") or 0
        self._attach(session, connection)
        for frame in session.events:
            if frame["s"] > client_seq:
                connection.send(frame)
        self._dispatch_to(session, "RESUMED", {})
        self.resume_count += 1
        connection.send({"op": Op.HEARTBEAT, "d": None})
        self._waiters.notify()

    def _attach(self, session: GatewaySession, connection: GatewayConnection) -> None:
        if session.connection is not None and session.connection is not connection:
            session.connection.session = None
        session.connection = connection
        connection.session = session

    def _detach(self, connection: GatewayConnection) -> None:
        session = connection.session
        if session is not None and session.connection is connection:
            session.connection = None
        connection.session = None

    # ------------------------------------------------------------------ dispatching

    def _dispatch_to(self, session: GatewaySession, event: str, data: JSON) -> int:
        frame = {"op": Op.DISPATCH, "t": event, "s": session.seq + 1, "d": data}
        session.events.append(frame)
        if session.connection is not None:
            session.connection.send(frame)
        return frame["s"]

    def require_session(self) -> GatewaySession:
        if self.session is None:
            raise RuntimeError("no client has identified with the fake gateway yet; start the bot first")
        return self.session

    def session_for(self, guild_id: int | None) -> GatewaySession | None:
        """The live session of the shard that owns ``guild_id`` (None: DMs), if any."""
        return next((s for s in self.shards.values() if s.owns(guild_id)), None)

    def _route(self, event: str, data: JSON) -> GatewaySession:
        self.require_session()
        guild_id = guild_of(event, data)
        session = self.session_for(guild_id)
        if session is None:
            count = next(iter(self.shards.values())).shard[1]
            raise RuntimeError(
                f"no client runs shard {shard_of(guild_id, count)} of {count}, "
                f"which {event} for guild {guild_id} belongs to"
            )
        return session

    def dispatch(self, event: str, data: JSON) -> int:
        """Send (or, while disconnected, queue for replay) a DISPATCH event to the shard that
        owns its guild; returns its seq in that shard's session."""
        return self._dispatch_to(self._route(event, data), event, data)

    def dispatch_if(self, intent: int, event: str, data: JSON) -> None:
        """Dispatch only when the owning session asked for ``intent`` (as Discord filters)."""
        session = self.session_for(guild_of(event, data))
        if session is not None and session.has_intent(intent):
            self._dispatch_to(session, event, data)

    # ------------------------------------------------------------------ waiting

    async def sync(self, timeout: float = 5.0) -> None:
        """Return once the client (every live shard) has processed every event dispatched so far.

        discord.py handles frames one at a time and its heartbeats carry the last sequence
        it handled, so asking for a heartbeat (op 1) and waiting for one that reports the
        current sequence is an exact barrier, with no sleeps.
        """
        self.require_session()
        for session in list(self.shards.values()):
            await self._sync_session(session, timeout)

    async def _sync_session(self, session: GatewaySession, timeout: float) -> None:
        target = session.seq
        if session.acked_seq >= target:
            return
        if session.connection is not None:
            session.connection.send({"op": Op.HEARTBEAT, "d": None})
        await self._waiters.wait(
            lambda: session.acked_seq >= target,
            timeout,
            f"the client to process gateway seq {target}",
        )

    async def wait_ready(self, count: int = 1, timeout: float = 10.0) -> None:
        """Until ``count`` IDENTIFYs in total happened and READY + GUILD_CREATEs were processed.

        Counting (rather than checking the current session) keeps a restarted bot from
        looking ready because its predecessor's session was.
        """
        await self._waiters.wait(lambda: self.identify_count >= count, timeout, f"IDENTIFY #{count}")
        await self.sync(timeout)

    async def wait_resumed(self, count: int = 1, timeout: float = 10.0) -> None:
        """Until ``count`` RESUMEs in total have happened and the replay was processed."""
        await self._waiters.wait(lambda: self.resume_count >= count, timeout, f"RESUME #{count}")
        await self.sync(timeout)

    # ------------------------------------------------------------------ chaos

    async def drop_connection(self, *, code: int = 4000, abrupt: bool = False) -> None:
        """Close the live connection (``abrupt`` drops TCP without a close frame).

        The session is detached first, so anything dispatched from now on is only logged and
        reaches the client through RESUME replay.
        """
        session = self.require_session()
        connection = session.connection
        if connection is None:
            raise RuntimeError("the client is not connected right now")
        self._detach(connection)
        await connection.close(code, abrupt=abrupt)

    def send_reconnect(self) -> None:
        """Op 7: Discord asks the client to reconnect and resume."""
        self._send_op(Op.RECONNECT, None)

    def invalidate_session(self, *, resumable: bool = False) -> None:
        """Op 9: the client must re-IDENTIFY (or, if ``resumable``, may RESUME)."""
        session = self.require_session()
        if not resumable:
            self.sessions.pop(session.id, None)
        self._send_op(Op.INVALID_SESSION, resumable)

    def _send_op(self, op: Op, data: Any) -> None:
        connection = self.require_session().connection
        if connection is None:
            raise RuntimeError("the client is not connected right now")
        connection.send({"op": op, "d": data})

    async def close_all(self) -> None:
        for connection in self.connections:
            if not connection.ws.closed:
                await connection.close(1001)


def _valid_shard(shard: Any) -> bool:
    """``[id, count]`` with ``0 <= id < count``, as Discord requires (else close code 4010)."""
    return (
        isinstance(shard, list)
        and len(shard) == 2
        and all(isinstance(n, int) for n in shard)
        and 0 <= shard[0] < shard[1]
    )
