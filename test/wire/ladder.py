#!/usr/bin/env python3
"""Rebuild the TCP connections of a SIP capture, one line (or ladder) each.

    ladder.py PCAP --proxy IP [--port P ...] [--only-ue IP] [--call-ids]
              [--quiet]
    ladder.py PCAP --proxy IP --diagram [--ue IP] [--call-ids]

The capture is read with tshark, decoding every --port (default: the proxy
port 15060 and the UE port 5060) as SIP over TCP and UDP; ICMP frames (whose
quoted inner packet tshark also dissects) are dropped. Each TCP connection
(tcp.stream) that has the proxy at one end is rebuilt: who opened it (the
sender of the first SYN), both ends, the SIP messages on it in order (one TCP
segment may carry several) and the first FIN or RST.

Line mode prints, in order of SYN time, exactly

  conn <n> open=<proxy|ue> proxy=<ip>:<port> ue=<ip>:<port> msgs=<m1>,<m2>,...
      calls=<c1>[+<c2>...] close=<FIN|RST>-<proxy|ue|none>

(on one line) where requests read METHOD and responses CODE/CSeq-METHOD,
msgs= and calls= read "-" when empty, calls are labels c1, c2, ... given to
Call-IDs in order of first appearance in the whole capture (TCP and UDP,
REGISTERs included) and listed in order of first appearance on the
connection, and close=none-none means no FIN/RST in the capture. open=unknown
is printed for a connection whose SYN is not in the capture. With --only-ue
only the connections to that UE IP are printed, numbered 1.. among
themselves. --call-ids appends "call <label> <Call-ID>" lines. --quiet
appends " quiet=<s>" to each line: the seconds (one decimal) from the last
SIP message on the connection (its SYN if none) to its first FIN/RST, "-"
if it was not closed: how long it sat idle before it was closed.

Diagram mode prints a ladder per connection, in the style of
"PCSCF:44738 -> UE:5060; TCP SYN", one blank line between connections: the
SYN, every SIP message, and the first FIN/RST of each side.
"""

import argparse
import os
import re
import subprocess
import sys

# tshark -T fields columns, in this order (parse_rows takes rows of these)
FIELDS = [
    "frame.number",
    "frame.time_epoch",
    "ip.proto",
    "ip.src",
    "tcp.srcport",
    "udp.srcport",
    "ip.dst",
    "tcp.dstport",
    "udp.dstport",
    "tcp.stream",
    "tcp.flags.syn",
    "tcp.flags.ack",
    "tcp.flags.fin",
    "tcp.flags.reset",
    "tcp.analysis.retransmission",
    "sip.Method",
    "sip.Status-Code",
    "sip.CSeq.method",
    "sip.Call-ID",
    "_ws.col.Info",
]
AGG = "|"

_KIND_RE = re.compile(r"\b(Request|Status):")


def _vals(field):
    return [v for v in field.split(AGG)] if field else []


def _flag(field):
    return field.strip().lower() in ("1", "true")


class Msg(object):
    """One SIP message seen on the wire."""

    def __init__(self, frame, src, sport, dst, dport, kind, method, code,
                 cseq_method, call_id):
        self.frame = frame
        self.src, self.sport, self.dst, self.dport = src, sport, dst, dport
        self.kind = kind  # "req" or "rsp"
        self.method = method
        self.code = code
        self.cseq_method = cseq_method
        self.call_id = call_id

    def token(self):
        if self.kind == "req":
            return self.method
        return "%s/%s" % (self.code, self.cseq_method)

    def text(self):
        if self.kind == "req":
            return "SIP %s" % self.method
        return "SIP %s (%s)" % (self.code, self.cseq_method)


class Conn(object):
    """One TCP connection (tcp.stream) and what was seen on it."""

    def __init__(self, stream, frame, t):
        self.stream = stream
        self.first_frame = frame
        self.first_time = t
        self.syn_time = None
        self.opener = None  # (ip, port) of the first SYN's sender
        self.ends = None  # (ip, port), (ip, port) of the first packet
        self.events = []  # ("syn"|"msg"|"fin"|"rst", (ip, port), Msg|None)
        self.closer = None  # ("FIN"|"RST", (ip, port))
        self.close_time = None
        self.last_msg_time = None
        self.closed_by = set()

    def sort_key(self):
        t = self.syn_time if self.syn_time is not None else self.first_time
        return (t, self.first_frame)


class Capture(object):
    def __init__(self):
        self.conns = {}
        self.labels = {}  # Call-ID -> "cN"
        self.label_order = []

    def label(self, call_id):
        if call_id not in self.labels:
            self.labels[call_id] = "c%d" % (len(self.labels) + 1)
            self.label_order.append(call_id)
        return self.labels[call_id]


def _split_messages(methods, codes, cseq_methods, call_ids, info):
    """The SIP messages of one frame, in order, as (kind, method, code,
    cseq_method, call_id). tshark aggregates each field separately; the Info
    column ("Request: ... | Status: ... |") gives the order of the kinds."""
    n = max(len(cseq_methods), len(call_ids), len(methods) + len(codes))
    kinds = [k for k in _KIND_RE.findall(info or "")]
    if len(kinds) != n or kinds.count("Request") != len(methods):
        kinds = ["Request"] * len(methods) + ["Status"] * len(codes)
    out = []
    mi = ci = 0
    for i in range(n):
        kind = kinds[i] if i < len(kinds) else "Request"
        cseq = cseq_methods[i] if i < len(cseq_methods) else "?"
        cid = call_ids[i] if i < len(call_ids) else ""
        if kind == "Request":
            m = methods[mi] if mi < len(methods) else cseq
            mi += 1
            out.append(("req", m, None, cseq, cid))
        else:
            c = codes[ci] if ci < len(codes) else "?"
            ci += 1
            out.append(("rsp", None, c, cseq, cid))
    return out


def parse_rows(rows):
    """Rebuilds a Capture from tshark rows (lists of strings, FIELDS order).
    Frames are taken in the order given (tshark's frame order)."""
    cap = Capture()
    for row in rows:
        row = list(row) + [""] * (len(FIELDS) - len(row))
        f = dict(zip(FIELDS, row))
        # ICMP errors quote the offending packet: two IP headers, and the
        # quoted SIP would be dissected again. Drop them.
        protos = _vals(f["ip.proto"])
        if "1" in protos or len(_vals(f["ip.src"])) > 1:
            continue
        frame = int(f["frame.number"] or 0)
        t = float(f["frame.time_epoch"] or 0)
        src, dst = f["ip.src"], f["ip.dst"]
        tcp = f["tcp.stream"] != ""
        if tcp:
            sport, dport = f["tcp.srcport"], f["tcp.dstport"]
        else:
            sport, dport = f["udp.srcport"], f["udp.dstport"]
        msgs = []
        if not _flag(f["tcp.analysis.retransmission"]):
            for kind, m, c, cm, cid in _split_messages(
                    _vals(f["sip.Method"]), _vals(f["sip.Status-Code"]),
                    _vals(f["sip.CSeq.method"]), _vals(f["sip.Call-ID"]),
                    f["_ws.col.Info"]):
                msgs.append(Msg(frame, src, sport, dst, dport, kind, m, c,
                                cm, cid))
                cap.label(cid)
        if not tcp:
            continue
        stream = int(f["tcp.stream"])
        conn = cap.conns.get(stream)
        if conn is None:
            conn = cap.conns[stream] = Conn(stream, frame, t)
            conn.ends = ((src, sport), (dst, dport))
        me = (src, sport)
        syn, ack = _flag(f["tcp.flags.syn"]), _flag(f["tcp.flags.ack"])
        if syn and not ack and conn.opener is None:
            conn.opener = me
            conn.syn_time = t
            conn.ends = (me, (dst, dport))
            conn.events.append(("syn", me, None))
        for m in msgs:
            conn.events.append(("msg", me, m))
            if conn.close_time is None:  # not what the other side sends
                conn.last_msg_time = t  # after a half-close
        for kind, on in (("RST", _flag(f["tcp.flags.reset"])),
                         ("FIN", _flag(f["tcp.flags.fin"]))):
            if on:
                if conn.closer is None:
                    conn.closer = (kind, me)
                    conn.close_time = t
                if me not in conn.closed_by:
                    conn.closed_by.add(me)
                    conn.events.append((kind.lower(), me, None))
                break
    return cap


def _proxy_conns(cap, proxy_ip, only_ue=None):
    """[(conn, proxy_end, ue_end)] of the connections with the proxy at one
    end (and only_ue at the other), in order of SYN time."""
    out = []
    for conn in sorted(cap.conns.values(), key=Conn.sort_key):
        a, b = conn.ends
        if a[0] == proxy_ip:
            p, u = a, b
        elif b[0] == proxy_ip:
            p, u = b, a
        else:
            continue
        if only_ue is not None and u[0] != only_ue:
            continue
        out.append((conn, p, u))
    return out


def _side(end, proxy_end):
    return "proxy" if end == proxy_end else "ue"


def _quiet(conn):
    """seconds from the last SIP message (or the SYN) to the close"""
    if conn.close_time is None:
        return "-"
    start = conn.last_msg_time
    if start is None:
        start = conn.syn_time if conn.syn_time is not None else conn.first_time
    return "%.1f" % (conn.close_time - start)


def format_lines(cap, proxy_ip, only_ue=None, call_ids=False, quiet=False):
    lines = []
    for n, (conn, p, u) in enumerate(_proxy_conns(cap, proxy_ip, only_ue), 1):
        msgs = [e[2] for e in conn.events if e[0] == "msg"]
        calls = []
        for m in msgs:
            lab = cap.labels[m.call_id]
            if lab not in calls:
                calls.append(lab)
        opener = "unknown" if conn.opener is None else _side(conn.opener, p)
        if conn.closer is None:
            close = "none-none"
        else:
            close = "%s-%s" % (conn.closer[0], _side(conn.closer[1], p))
        lines.append("conn %d open=%s proxy=%s:%s ue=%s:%s msgs=%s calls=%s "
                     "close=%s" % (n, opener, p[0], p[1], u[0], u[1],
                                   ",".join(m.token() for m in msgs) or "-",
                                   "+".join(calls) or "-", close))
        if quiet:
            lines[-1] += " quiet=%s" % _quiet(conn)
    if call_ids:
        lines.extend(call_id_lines(cap))
    return lines


def call_id_lines(cap):
    return ["call %s %s" % (cap.labels[cid], cid) for cid in cap.label_order]


def diagram_lines(cap, proxy_ip, ue=None, call_ids=False):
    out = []
    for conn, p, u in _proxy_conns(cap, proxy_ip, ue):
        if out:
            out.append("")
        names = {p: "PCSCF:%s" % p[1], u: "UE:%s" % u[1]}
        for kind, who, m in conn.events:
            other = u if who == p else p
            head = "%s -> %s; " % (names[who], names[other])
            if kind == "syn":
                out.append(head + "TCP SYN")
            elif kind == "msg":
                tail = " [%s]" % cap.labels[m.call_id] if call_ids else ""
                out.append(head + m.text() + tail)
            else:
                out.append(head + "TCP " + kind.upper())
    if call_ids:
        out.append("")
        out.extend(call_id_lines(cap))
    return out


def tshark_rows(pcap, ports, tshark="tshark"):
    cmd = [tshark, "-r", pcap, "-n", "-Y", "not icmp and (tcp or sip)"]
    for port in ports:
        cmd += ["-d", "tcp.port==%s,sip" % port, "-d", "udp.port==%s,sip" % port]
    cmd += ["-T", "fields", "-E", "separator=/t", "-E", "aggregator=" + AGG,
            "-E", "occurrence=a"]
    for field in FIELDS:
        cmd += ["-e", field]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        raise SystemExit("ladder.py: tshark failed (%d)" % res.returncode)
    return [line.split("\t") for line in res.stdout.splitlines() if line]


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="TCP connections of a SIP capture, one line each")
    ap.add_argument("pcap")
    ap.add_argument("--proxy", required=True, help="the proxy's IP")
    ap.add_argument("--port", action="append", default=[],
                    help="a port to decode as SIP (repeatable; default: "
                    "$TP_PROXY_PORT or 15060, and 5060)")
    ap.add_argument("--only-ue", help="only the connections to this UE IP")
    ap.add_argument("--call-ids", action="store_true",
                    help="also print label -> Call-ID")
    ap.add_argument("--quiet", action="store_true",
                    help="also print each connection's idle time before "
                    "its close")
    ap.add_argument("--diagram", action="store_true",
                    help="a human ladder per connection")
    ap.add_argument("--ue", help="with --diagram: only this UE IP")
    a = ap.parse_args(argv)
    ports = a.port or [os.environ.get("TP_PROXY_PORT", "15060"), "5060"]
    cap = parse_rows(tshark_rows(a.pcap, ports))
    if a.diagram:
        lines = diagram_lines(cap, a.proxy, a.ue or a.only_ue, a.call_ids)
    else:
        lines = format_lines(cap, a.proxy, a.only_ue, a.call_ids, a.quiet)
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
