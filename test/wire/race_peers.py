#!/usr/bin/env python3
"""SIP peers for requests that race on one Call-ID (t_wire_races.sh).

SIPp cannot take part in such races: a SIPp call that is about to send
aborts when a message arrives first, and one Call-ID is one SIPp call. These
two small peers can. They are minimal on purpose: only what the races need.

  ue   registers over TCP (ephemeral source port, Contact IP:PORT) with a
       User-Agent, then answers every request on the connection it came on:
       an INVITE (initial or re-INVITE) 200 at once, ACK nothing, anything
       else 200. With --delay S an initial INVITE gets 180 at once and its
       200 S seconds later, unless a CANCEL comes first (200 to the CANCEL,
       487 to the INVITE). With --challenge-bye the first BYE of a call
       gets 401. Runs for --life seconds.
  net  over UDP, places an MT call to --aor through the proxy and races:
       re-INVITE and UPDATE sent together, then re-INVITE and BYE sent
       together; waits for a final answer to each. Exits 0 when every
       request got one (for the re-INVITE racing the BYE any final will
       do: the BYE may end the dialog first), else 1. Prints one line.
  cancel  over UDP, --calls MT calls to --aor, one after the other, each
       cancelled 0.996-1.004 s after its 180 unless answered before: with a
       UE that answers after 1 s (ue --delay 1) the CANCEL and the 200
       race. An answered call gets ACK and
       BYE, a refused one (487) its ACK. Exits 0 when every call ended
       properly. Prints how often each side won.
  late  over UDP, an MT call to --aor, ended by a BYE; once the BYE is
       answered, --after seconds later, the ACK again, then (0.5 s later) a
       re-INVITE (and its ACK) and an UPDATE: all come after the dialog's
       end, as when they cross the BYE. A BYE answered 401 is sent again
       first. Exits 0 when the BYE got a 200 and
       the late requests a final answer. Prints one line.
"""

import argparse
import asyncio
import random
import re
import socket
import sys
import time


def parse(buf):
    """(first line, {lower-case name: [values]}, rest of buf) or None."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buf[:end].decode("latin-1").split("\r\n")
    hdrs = {}
    for line in head[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs.setdefault(k.strip().lower(), []).append(v.strip())
    clen = int(hdrs.get("content-length", ["0"])[0])
    if len(buf) < end + 4 + clen:
        return None
    return head[0], hdrs, buf[end + 4 + clen:]


def answer(first, hdrs, code, reason, contact, totag):
    """The response to a request: its Via, From, To (+tag), Call-ID, CSeq,
    Record-Route."""
    lines = ["SIP/2.0 %d %s" % (code, reason)]
    lines += ["Via: " + v for v in hdrs.get("via", [])]
    lines += ["Record-Route: " + v for v in hdrs.get("record-route", [])]
    to = hdrs["to"][0]
    if ";tag=" not in to:
        to += ";tag=" + totag
    lines += ["From: " + hdrs["from"][0], "To: " + to,
              "Call-ID: " + hdrs["call-id"][0], "CSeq: " + hdrs["cseq"][0],
              "Contact: <%s>" % contact, "Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode()


async def ue_ring(writer, first, hdrs, contact, totag, delay):
    """180 now, 200 after delay (the task is cancelled by a CANCEL)."""
    writer.write(answer(first, hdrs, 180, "Ringing", contact, totag))
    await asyncio.sleep(delay)
    writer.write(answer(first, hdrs, 200, "OK", contact, totag))


async def ue_serve(reader, writer, contact, stats, delay=0, challenged=None):
    buf = b""
    ringing = {}  # Call-ID -> (task, first, hdrs, totag)
    while True:
        data = await reader.read(65536)
        if not data:
            break
        buf += data
        while (m := parse(buf)) is not None:
            first, hdrs, buf = m
            if first.startswith("SIP/2.0"):
                continue
            method = first.split(" ", 1)[0]
            stats[method] = stats.get(method, 0) + 1
            totag = "ue%x" % random.getrandbits(32)
            cid = hdrs["call-id"][0]
            if method == "ACK":
                continue
            if method == "INVITE" and delay and ";tag=" not in hdrs["to"][0]:
                task = asyncio.ensure_future(
                    ue_ring(writer, first, hdrs, contact, totag, delay))
                ringing[cid] = (task, first, hdrs, totag)
                continue
            if method == "BYE" and challenged is not None \
                    and cid not in challenged:
                challenged.add(cid)  # the first BYE of a call: 401
                writer.write(answer(first, hdrs, 401, "Unauthorized",
                                    contact, totag))
                await writer.drain()
                continue
            writer.write(answer(first, hdrs, 200, "OK", contact, totag))
            if method == "CANCEL" and cid in ringing:
                task, ifirst, ihdrs, itag = ringing.pop(cid)
                if not task.done():
                    task.cancel()
                    writer.write(answer(ifirst, ihdrs, 487,
                                        "Request Terminated", contact, itag))
            await writer.drain()
    writer.close()


async def ue(args):
    contact = "sip:%s@%s:%d;transport=tcp" % (args.user, args.ip, args.port)
    stats = {}
    challenged = set() if args.challenge_bye else None
    server = await asyncio.start_server(
        lambda r, w: ue_serve(r, w, contact, stats, args.delay, challenged),
        args.ip, args.port)
    reader, writer = await asyncio.open_connection(
        args.proxy, args.proxy_port, local_addr=(args.ip, 0))
    lport = writer.get_extra_info("sockname")[1]
    reg = "\r\n".join([
        "REGISTER sip:%s:%d SIP/2.0" % (args.proxy, args.proxy_port),
        "Via: SIP/2.0/TCP %s:%d;branch=z9hG4bK%x" % (args.ip, lport, random.getrandbits(48)),
        "From: <sip:%s@%s>;tag=%x" % (args.user, args.proxy, random.getrandbits(32)),
        "To: <sip:%s@%s>" % (args.user, args.proxy),
        "Call-ID: reg-%x@%s" % (random.getrandbits(48), args.ip), "CSeq: 1 REGISTER",
        "Contact: <%s>" % contact, "Expires: 600", "User-Agent: " + args.ua,
        "Max-Forwards: 70", "Content-Length: 0", "", ""]).encode()
    writer.write(reg)
    await writer.drain()
    buf = b""
    while (m := parse(buf)) is None:
        buf += await asyncio.wait_for(reader.read(65536), 5)
    if not m[0].startswith("SIP/2.0 200"):
        print("ue: REGISTER answered " + m[0], flush=True)
        return 1
    print("registered %s UA=%s" % (args.user, args.ua), flush=True)
    # requests on the registration connection are answered there too
    reg_task = asyncio.ensure_future(
        ue_serve(reader, writer, contact, stats, 0, challenged))
    await asyncio.sleep(args.life)
    reg_task.cancel()
    server.close()
    print("ue: requests " + " ".join("%s=%d" % kv for kv in sorted(stats.items())), flush=True)
    return 0


class Net:
    """A UDP UAC with one dialog."""

    def __init__(self, args, sock=None):
        self.a = args
        self.s = sock or socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if sock is None:
            self.s.bind((args.ip, args.port))
        self.s.settimeout(0.05)
        self.cid = "race-%x@%s" % (random.getrandbits(48), args.ip)
        self.ftag = "%x" % random.getrandbits(32)
        self.to = "<sip:%s@%s:%d>" % (args.aor, args.proxy, args.proxy_port)
        self.ruri = "sip:%s@%s:%d" % (args.aor, args.proxy, args.proxy_port)
        self.routes = []

    def send(self, method, cseq, branch=None):
        branch = branch or "z9hG4bK%x" % random.getrandbits(48)
        lines = ["%s %s SIP/2.0" % (method, self.ruri),
                 "Via: SIP/2.0/UDP %s:%d;branch=%s" % (self.a.ip, self.a.port, branch),
                 "From: <sip:net@%s:%d>;tag=%s" % (self.a.ip, self.a.port, self.ftag),
                 "To: " + self.to, "Call-ID: " + self.cid,
                 "CSeq: %d %s" % (cseq, method),
                 "Contact: <sip:net@%s:%d>" % (self.a.ip, self.a.port)]
        lines += ["Route: " + r for r in self.routes]
        lines += ["Max-Forwards: 70", "Content-Length: 0", "", ""]
        self.s.sendto("\r\n".join(lines).encode(), (self.a.proxy, self.a.proxy_port))
        return branch

    def finals(self, want, seconds=15, provisional=None):
        """Waits for a final answer to each (cseq, method) in want (a bare
        cseq: any method); {key: (code, hdrs)}. provisional: a code whose
        arrival ends the wait too (then {"early": ...})."""
        got = {}
        end = time.time() + seconds
        while time.time() < end and not all(c in got for c in want):
            self.s.settimeout(max(0.001, min(0.05, end - time.time())))
            try:
                data = self.s.recv(65536)
            except socket.timeout:
                continue
            m = parse(data)
            if m is None or not m[0].startswith("SIP/2.0") \
                    or m[1].get("call-id", [""])[0] != self.cid:
                continue
            code = int(m[0].split()[1])
            num, method = m[1]["cseq"][0].split()
            if provisional and code == provisional:
                return {"early": (code, m[1])}
            for key in ((int(num), method), int(num)):
                if code >= 200 and key in want and key not in got:
                    got[key] = (code, m[1])
        return got

    def dialog_from(self, hdrs):
        self.to = hdrs["to"][0]
        self.ruri = re.search(r"<([^>]*)>", hdrs["contact"][0]).group(1)
        self.routes = list(reversed(hdrs.get("record-route", [])))

    def establish(self, role):
        """INVITE (CSeq 1), its 200, the ACK, and 0.2 s for the ACK to go
        through before what follows; False (and one line) if not
        answered 200."""
        self.send("INVITE", 1)
        got = self.finals([1])
        if got.get(1, (0,))[0] != 200:
            print("%s: INVITE answered %s" % (role, got.get(1, ("nothing",))[0]))
            return False
        self.dialog_from(got[1][1])
        self.send("ACK", 1)
        time.sleep(0.2)
        return True


def net(args):
    n = Net(args)
    if not n.establish("net"):
        return 1
    n.send("INVITE", 2)
    n.send("UPDATE", 3)
    got = n.finals([2, 3])
    codes = [got.get(c, ("none",))[0] for c in (2, 3)]
    n.send("ACK", 2)
    time.sleep(0.2)
    n.send("INVITE", 4)
    n.send("BYE", 5)
    got2 = n.finals([4, 5])
    codes += [got2.get(c, ("none",))[0] for c in (4, 5)]
    print("net: re-INVITE %s UPDATE %s re-INVITE %s BYE %s" % tuple(codes), flush=True)
    if codes[2] == "none":
        return 1
    return 0 if codes[0] == 200 and codes[1] == 200 and codes[3] == 200 else 1


def cancel_one(args, sock):
    """One call cancelled at about the moment the UE answers; returns
    "200", "487", or what went wrong."""
    n = Net(args, sock)
    branch = n.send("INVITE", 1)
    if not n.finals([1], 5, provisional=180):
        return "no 180"
    got = n.finals([(1, "INVITE")], random.uniform(0.996, 1.004))
    if not got:
        n.send("CANCEL", 1, branch)
        got = n.finals([(1, "INVITE"), (1, "CANCEL")], 15)
    code, hdrs = got.get((1, "INVITE"), (None, None))
    if code == 487:
        n.to = hdrs["to"][0]
        n.send("ACK", 1, branch)
        return "487"
    if code != 200:
        return "INVITE answered %s" % code
    n.dialog_from(hdrs)
    n.send("ACK", 1)
    n.send("BYE", 2)
    bye = n.finals([(2, "BYE")], 15)
    return "200" if bye.get((2, "BYE"), (0,))[0] == 200 else "BYE unanswered"


def cancel(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.ip, args.port))
    results = [cancel_one(args, sock) for _ in range(args.calls)]
    won = results.count("200")
    lost = results.count("487")
    print("cancel: the UE's 200 won %d, the CANCEL %d, other %s" % (
        won, lost, [r for r in results if r not in ("200", "487")]), flush=True)
    return 0 if won + lost == args.calls else 1


def late(args):
    n = Net(args)
    if not n.establish("late"):  # (its ACK goes before the BYE)
        return 1
    n.send("BYE", 2)
    codes = [n.finals([2]).get(2, ("none",))[0]]
    cseq = 3
    if codes[0] == 401:  # sent again (no credentials needed here)
        n.send("BYE", cseq)
        codes[0] = "401,%s" % (n.finals([cseq]).get(cseq, ("none",))[0],)
        cseq += 1
    time.sleep(args.after)
    n.send("ACK", 1)
    time.sleep(0.5)  # the late requests' connections are not there for it
    n.send("INVITE", cseq)
    codes.append(n.finals([cseq]).get(cseq, ("none",))[0])
    if codes[-1] == 200:
        n.send("ACK", cseq)
    time.sleep(0.2)
    n.send("UPDATE", cseq + 1)
    codes.append(n.finals([cseq + 1]).get(cseq + 1, ("none",))[0])
    print("late: BYE %s re-INVITE %s UPDATE %s" % tuple(codes), flush=True)
    return 0 if str(codes[0]) in ("200", "401,200") and "none" not in codes else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("role", choices=["ue", "net", "cancel", "late"])
    p.add_argument("--proxy", required=True)
    p.add_argument("--proxy-port", type=int, required=True)
    p.add_argument("--ip", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", default="race")
    p.add_argument("--ua", default="tp-race")
    p.add_argument("--aor", default="race")
    p.add_argument("--life", type=float, default=30)
    p.add_argument("--calls", type=int, default=20)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--after", type=float, default=0.5)
    p.add_argument("--challenge-bye", action="store_true")
    a = p.parse_args()
    if a.role == "ue":
        return asyncio.run(ue(a))
    return {"net": net, "cancel": cancel, "late": late}[a.role](a)


if __name__ == "__main__":
    sys.exit(main())
