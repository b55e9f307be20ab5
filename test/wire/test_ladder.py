"""Self-test of ladder.py's parsing on synthetic tshark rows.

    python3 -m unittest discover -s test/wire
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ladder  # noqa: E402

P, U1, U2, NET = "127.0.0.61", "127.0.0.81", "127.0.0.82", "127.0.0.90"


class Rows(object):
    """Builds tshark rows (FIELDS order), numbering frames and times."""

    def __init__(self):
        self.rows = []

    def tcp(self, src, sport, dst, dport, stream, flags="", sip=None,
            info=""):
        """flags: letters S (SYN), A (ACK), F (FIN), R (RST); sip: list of
        (method-or-code, cseq method, call-id)."""
        kw = {
            "ip.proto": "6", "ip.src": src, "tcp.srcport": str(sport),
            "ip.dst": dst, "tcp.dstport": str(dport),
            "tcp.stream": str(stream),
            "tcp.flags.syn": "1" if "S" in flags else "0",
            "tcp.flags.ack": "1" if "A" in flags else "0",
            "tcp.flags.fin": "1" if "F" in flags else "0",
            "tcp.flags.reset": "1" if "R" in flags else "0",
            "_ws.col.Info": info,
        }
        self._sip(kw, sip)
        self._append(kw)

    def udp(self, src, sport, dst, dport, sip, proto="17"):
        kw = {"ip.proto": proto, "ip.src": src, "udp.srcport": str(sport),
              "ip.dst": dst, "udp.dstport": str(dport)}
        self._sip(kw, sip)
        self._append(kw)

    @staticmethod
    def _sip(kw, sip):
        if not sip:
            return
        methods, codes, cseqs, cids, info = [], [], [], [], []
        for first, cseq, cid in sip:
            if first.isdigit():
                codes.append(first)
                info.append("Status: %s Whatever (%s) | " % (first, cseq))
            else:
                methods.append(first)
                info.append("Request: %s sip:x@y | " % first)
            cseqs.append(cseq)
            cids.append(cid)
        kw["sip.Method"] = "|".join(methods)
        kw["sip.Status-Code"] = "|".join(codes)
        kw["sip.CSeq.method"] = "|".join(cseqs)
        kw["sip.Call-ID"] = "|".join(cids)
        kw["_ws.col.Info"] = kw.get("_ws.col.Info") or "".join(info)

    def _append(self, kw):
        n = len(self.rows) + 1
        f = dict.fromkeys(ladder.FIELDS, "")
        f["frame.number"] = str(n)
        f["frame.time_epoch"] = "%d.000000000" % (1000 + n)
        f.update(kw)
        self.rows.append([f[k] for k in ladder.FIELDS])


def capture():
    """A UE registers (connection 0, never closed); the network side calls
    it over UDP; the proxy opens connection 1 to the UE's Contact, where the
    200 and a BYE from the UE share one segment, and closes it with a FIN;
    connection 2 to another UE carries a MESSAGE and is reset by the UE;
    an ICMP port-unreachable quoting a SIP message is ignored."""
    r = Rows()
    # connection 0: REGISTER from an ephemeral port, never closed
    r.tcp(U1, 41000, P, 15060, 0, "S")
    r.tcp(P, 15060, U1, 41000, 0, "SA")
    r.tcp(U1, 41000, P, 15060, 0, "A")
    r.tcp(U1, 41000, P, 15060, 0, "A", [("REGISTER", "REGISTER", "reg-1")])
    r.tcp(P, 15060, U1, 41000, 0, "A", [("200", "REGISTER", "reg-1")])
    # the network side's INVITE over UDP: its Call-ID is labelled here
    r.udp(NET, 5060, P, 15060, [("INVITE", "INVITE", "call-A")])
    # an ICMP error quoting a SIP message: two IP headers, dropped
    r.udp(P + "|" + NET, 15060, NET + "|" + P, 5060,
          [("MESSAGE", "MESSAGE", "icmp-ghost")], proto="1|17")
    # connection 1: opened by the proxy toward the Contact
    r.tcp(P, 35000, U1, 5060, 1, "S")
    r.tcp(U1, 5060, P, 35000, 1, "SA")
    r.tcp(P, 35000, U1, 5060, 1, "A", [("INVITE", "INVITE", "call-A")])
    r.tcp(U1, 5060, P, 35000, 1, "A", [("180", "INVITE", "call-A")])
    # two SIP messages in one segment, a response and a request (the real
    # Info column of such a frame, as tshark 4.0 prints it)
    r.tcp(U1, 5060, P, 35000, 1, "A",
          [("200", "INVITE", "call-A"), ("BYE", "BYE", "call-B")],
          info="Status: 200 OK (INVITE) | Request: BYE sip:a@b | ")
    r.tcp(P, 35000, U1, 5060, 1, "A", [("ACK", "ACK", "call-A")])
    r.tcp(P, 35000, U1, 5060, 1, "A", [("200", "BYE", "call-B")])
    r.tcp(P, 35000, U1, 5060, 1, "FA")
    r.tcp(U1, 5060, P, 35000, 1, "A")
    r.tcp(U1, 5060, P, 35000, 1, "FA")
    # connection 2: to another UE, reset by the UE after a MESSAGE
    r.tcp(P, 36000, U2, 5060, 2, "S")
    r.tcp(U2, 5060, P, 36000, 2, "SA")
    r.tcp(P, 36000, U2, 5060, 2, "A", [("MESSAGE", "MESSAGE", "msg-1")])
    r.tcp(U2, 5060, P, 36000, 2, "A", [("200", "MESSAGE", "msg-1")])
    r.tcp(U2, 5060, P, 36000, 2, "RA")
    r.tcp(P, 36000, U2, 5060, 2, "R")
    return ladder.parse_rows(r.rows)


class LadderTest(unittest.TestCase):
    maxDiff = None

    def test_lines(self):
        self.assertEqual(ladder.format_lines(capture(), P), [
            "conn 1 open=ue proxy=127.0.0.61:15060 ue=127.0.0.81:41000 "
            "msgs=REGISTER,200/REGISTER calls=c1 close=none-none",
            "conn 2 open=proxy proxy=127.0.0.61:35000 ue=127.0.0.81:5060 "
            "msgs=INVITE,180/INVITE,200/INVITE,BYE,ACK,200/BYE "
            "calls=c2+c3 close=FIN-proxy",
            "conn 3 open=proxy proxy=127.0.0.61:36000 ue=127.0.0.82:5060 "
            "msgs=MESSAGE,200/MESSAGE calls=c4 close=RST-ue",
        ])

    def test_only_ue_renumbers_and_call_ids(self):
        self.assertEqual(
            ladder.format_lines(capture(), P, only_ue=U2, call_ids=True), [
                "conn 1 open=proxy proxy=127.0.0.61:36000 ue=127.0.0.82:5060 "
                "msgs=MESSAGE,200/MESSAGE calls=c4 close=RST-ue",
                "call c1 reg-1",
                "call c2 call-A",
                "call c3 call-B",
                "call c4 msg-1",
            ])

    def test_quiet(self):
        # frames are 1 s apart (Rows): conn 2's FIN follows its 200/BYE,
        # the UE's RST on conn 3 its 200/MESSAGE
        lines = ladder.format_lines(capture(), P, quiet=True)
        self.assertEqual([l.split()[-1] for l in lines],
                         ["quiet=-", "quiet=1.0", "quiet=1.0"])
        r = Rows()
        r.tcp(P, 37000, U1, 5060, 7, "S")
        r.tcp(U1, 5060, P, 37000, 7, "SA")
        r.tcp(P, 37000, U1, 5060, 7, "A")
        r.tcp(P, 37000, U1, 5060, 7, "FA")
        self.assertEqual(ladder.format_lines(ladder.parse_rows(r.rows), P,
                                             quiet=True)[0].split()[-1],
                         "quiet=3.0")

    def test_quiet_fin_with_message_retransmission_half_close(self):
        r = Rows()
        r.tcp(P, 37000, U1, 5060, 7, "S")
        r.tcp(U1, 5060, P, 37000, 7, "SA")
        r.tcp(P, 37000, U1, 5060, 7, "A", [("BYE", "BYE", "x")])
        # the 200 and the UE's FIN in one segment: closed at once
        r.tcp(U1, 5060, P, 37000, 7, "FA", [("200", "BYE", "x")])
        r.tcp(P, 38000, U1, 5060, 8, "S")
        r.tcp(U1, 5060, P, 38000, 8, "SA")
        r.tcp(P, 38000, U1, 5060, 8, "A", [("MESSAGE", "MESSAGE", "y")])
        r.tcp(U1, 5060, P, 38000, 8, "A", [("200", "MESSAGE", "y")])
        # a retransmitted segment's message is not a new message: idle
        # from the 200 (frame 8) to the FIN (frame 10)
        r.rows.append(list(r.rows[-1]))
        r.rows[-1][ladder.FIELDS.index("frame.time_epoch")] = "1009.5"
        r.rows[-1][ladder.FIELDS.index("tcp.analysis.retransmission")] = "1"
        r.tcp(U1, 5060, P, 38000, 8, "FA")
        # after the proxy's FIN (a half-close) the UE still sends: idle
        # from the SYN (frame 11) to the FIN (frame 13)
        r.tcp(P, 39000, U1, 5060, 9, "S")
        r.tcp(U1, 5060, P, 39000, 9, "SA")
        r.tcp(P, 39000, U1, 5060, 9, "FA")
        r.tcp(U1, 5060, P, 39000, 9, "A", [("OPTIONS", "OPTIONS", "z")])
        lines = ladder.format_lines(ladder.parse_rows(r.rows), P, quiet=True)
        self.assertEqual([l.split()[-1] for l in lines],
                         ["quiet=0.0", "quiet=2.0", "quiet=2.0"])

    def test_diagram(self):
        self.assertEqual(ladder.diagram_lines(capture(), P, ue=U1), [
            "UE:41000 -> PCSCF:15060; TCP SYN",
            "UE:41000 -> PCSCF:15060; SIP REGISTER",
            "PCSCF:15060 -> UE:41000; SIP 200 (REGISTER)",
            "",
            "PCSCF:35000 -> UE:5060; TCP SYN",
            "PCSCF:35000 -> UE:5060; SIP INVITE",
            "UE:5060 -> PCSCF:35000; SIP 180 (INVITE)",
            "UE:5060 -> PCSCF:35000; SIP 200 (INVITE)",
            "UE:5060 -> PCSCF:35000; SIP BYE",
            "PCSCF:35000 -> UE:5060; SIP ACK",
            "PCSCF:35000 -> UE:5060; SIP 200 (BYE)",
            "PCSCF:35000 -> UE:5060; TCP FIN",
            "UE:5060 -> PCSCF:35000; TCP FIN",
        ])

    def test_no_syn_no_messages(self):
        r = Rows()
        r.tcp(U1, 5060, P, 37000, 7, "A")
        r.tcp(P, 37000, U1, 5060, 7, "A")
        self.assertEqual(ladder.format_lines(ladder.parse_rows(r.rows), P), [
            "conn 1 open=unknown proxy=127.0.0.61:37000 ue=127.0.0.81:5060 "
            "msgs=- calls=- close=none-none",
        ])

    def test_order_is_syn_time_not_stream_number(self):
        r = Rows()
        r.tcp(P, 38000, U2, 5060, 5, "S")
        r.tcp(P, 39000, U1, 5060, 4, "S")
        r.tcp(U1, 5060, P, 39000, 4, "SA")
        r.tcp(U2, 5060, P, 38000, 5, "SA")
        lines = ladder.format_lines(ladder.parse_rows(r.rows), P)
        self.assertEqual([l.split()[4] for l in lines],
                         ["ue=127.0.0.82:5060", "ue=127.0.0.81:5060"])


if __name__ == "__main__":
    unittest.main()
