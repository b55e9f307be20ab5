#!/usr/bin/env python3
"""Writes the classification benchmark's inputs (deterministic):

  data/user_agents.txt  distinct User-Agent strings in the shapes handsets
                        and softphones send (IMS stacks of Samsung, Apple,
                        Google, Xiaomi/Redmi/POCO, Oppo, Vivo, Motorola,
                        Nokia/HMD, Fairphone, Qualcomm/MediaTek/Unisoc
                        reference stacks, softphones), most popular first
  data/rules.txt        60 persona rules whose regexes are in the common
                        subset of POSIX ERE and PCRE2 (anchors, bracket
                        expressions, alternation, * + ? {m,n}; no \\d, no
                        lazy quantifiers, no lookaround, no backreferences)

The shapes follow what such devices print; the model and build numbers are
made up in those shapes.
"""
import itertools
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rnd = random.Random(20261127)


def samsung():
    out = []
    for series, models in (("S", ["S911B", "S916B", "S918B", "S921B", "S926B", "S928B", "S901B", "S906B"]),
                           ("A", ["A546B", "A346B", "A546E", "A256F", "A155F", "A145R", "A536B", "A336B"]),
                           ("G", ["G991B", "G996B", "G998B", "G781B"]),
                           ("F", ["F946B", "F731B", "F936B"]),
                           ("M", ["M236B", "M336B", "M546B"])):
        for m in models:
            for ims, _ in itertools.product(("5.0", "6.0"), range(2)):
                fw = "%sXXU%d%s%s%d" % (m, rnd.randint(1, 9), rnd.choice("ABCD"),
                                         rnd.choice("WXY"), rnd.randint(1, 9))
                out.append("SM-%s-%s Samsung IMS %s" % (m, fw, ims))
    return out


def apple():
    out = []
    for v in ("15.8", "16.7", "16.7.8", "17.4.1", "17.5", "17.6.1", "18.0", "18.1.1",
              "18.2", "18.3.2", "18.5", "26.0"):
        out.append("iOS/%s iPhone" % v)
        out.append("iPhone OS/%s (%dA%d)" % (v, rnd.randint(20, 23), rnd.randint(100, 999)))
    return out


def google():
    out = []
    for model in ("Pixel6", "Pixel6a", "Pixel7", "Pixel7Pro", "Pixel8", "Pixel8Pro", "Pixel8a", "Pixel9"):
        for a in (13, 14, 15, 16):
            out.append("Google_%s_Android %d_%s.%d.%03d" % (
                model, a, rnd.choice(["TQ3A", "UQ1A", "AP1A", "BP4A", "AP4A"]),
                rnd.randint(230000, 260000), rnd.randint(1, 99)))
    return out


def xiaomi():
    out = []
    for brand, models in (("Xiaomi", ["", "13T", "14", "12_Lite", "Mi_11"]),
                          ("Redmi", ["Note_12", "Note_13_Pro", "12C", "A3"]),
                          ("POCO", ["F5", "X6_Pro", "M6"])):
        for m in models:
            for a in (12, 13, 14):
                name = brand + "_" + m if m else brand + "_"
                out.append("%s_Android_%d_MIUI%d" % (name, a, rnd.randint(220000, 240000)))
                out.append("%s_Android %d_V%d.0.%d.0" % (name, a, rnd.randint(13, 15), rnd.randint(1, 9)))
    return out


def others():
    out = []
    for m in ("CPH2449", "CPH2581", "CPH2611", "CPH2525"):
        for a in (13, 14):
            out.append("OPPO %s Android %d ColorOS %d.%d" % (m, a, a, rnd.randint(0, 1)))
    for m in ("V2250", "V2303", "V2318", "V2247"):
        for a in (13, 14):
            out.append("vivo %s Android %d FuntouchOS %d" % (m, a, a))
    for m in ("edge 40", "edge 50 pro", "moto g54", "moto g84", "razr 40"):
        for a in (13, 14):
            out.append("motorola %s Android %d IMS/%d.%d" % (m, a, rnd.randint(1, 3), rnd.randint(0, 9)))
    for m in ("G50", "G60", "X30", "G42", "C32"):
        for a in (12, 13):
            out.append("Nokia %s Android %d HMD IMS" % (m, a))
    for v, b in (("4", "FP4.TT4Z.B.097"), ("4", "FP4.SP2K.B.071"), ("5", "FP5.UT2M.B.074"),
                 ("5", "FP5.VT3A.A.101"), ("6", "FP6.QREL.15.151.0")):
        out.append("Fairphone_Fairphone %s_%s" % (v, b))
    for chip in ("MSM8998", "SM8450", "SM8550", "SM7325", "SM6375"):
        for v in ("1.0", "2.0", "2.1"):
            out.append("QC-IMS/%s (%s)" % (v, chip))
    for chip in ("MT6789", "MT6833", "MT6877", "MT6983"):
        for v in ("1.0", "1.1"):
            out.append("MTK_IMS_v%s (%s)" % (v, chip))
    for chip in ("T606", "T616", "T760", "SC9863A"):
        out.append("UNISOC-IMS/1.0 (%s)" % chip)
    return out


def softphones():
    out = []
    for v in ("5.1.0", "5.2.0", "5.2.4", "5.3.1"):
        out.append("Linphone/%s (belle-sip/%s)" % (v, v))
        out.append("LinphoneAndroid/%s (belle-sip/%s)" % (v, v))
    for v in ("2.10.18.4", "2.10.19.1", "5.6.2"):
        out.append("Zoiper rv%s" % v)
    for v in ("3.21.3", "3.21.4"):
        out.append("MicroSIP/%s" % v)
    for v in ("6.8.0", "6.9.1"):
        out.append("Bria iOS release %s stamp %d" % (v, rnd.randint(100000, 999999)))
        out.append("Bria Android release %s stamp %d" % (v, rnd.randint(100000, 999999)))
    for v in ("v2.12.0", "v3.4.0", "v3.10.1"):
        out.append("baresip %s (x86_64/linux)" % v)
    out += ["Jitsi2.10", "X-Lite release 5.8.3 stamp 102651", "Telephone 1.5",
            "Asterisk PBX 20.5.0", "FreeSWITCH-mod_sofia/1.10.10", "Grandstream GXP2170 1.0.11.23",
            "Yealink SIP-T46U 108.86.0.45", "PolycomVVX-VVX_450-UA/6.4.6"]
    return out


RULES = [
    # Samsung: flagship S, foldables, A, M, older S (G), catch-all
    ("samsung-s24", "dialog", "^SM-S92[0-9][A-Z]?-[A-Z0-9]+ Samsung IMS"),
    ("samsung-s23", "dialog", "^SM-S91[0-9][A-Z]?-[A-Z0-9]+ Samsung IMS"),
    ("samsung-s22", "dialog", "^SM-S90[0-9][A-Z]?-[A-Z0-9]+ Samsung IMS"),
    ("samsung-fold", "dialog", "^SM-F9[0-9]{2}[A-Z]?-"),
    ("samsung-flip", "dialog", "^SM-F7[0-9]{2}[A-Z]?-"),
    ("samsung-a5x", "transaction", "^SM-A5[0-9]{2}[A-Z]-[A-Z0-9]+ Samsung IMS 6"),
    ("samsung-a5x-old", "dialog", "^SM-A5[0-9]{2}[A-Z]-[A-Z0-9]+ Samsung IMS 5"),
    ("samsung-a3x", "transaction", "^SM-A3[0-9]{2}[A-Z]-"),
    ("samsung-a2x", "transaction", "^SM-A2[0-9]{2}[A-Z]-"),
    ("samsung-a1x", "reuse", "^SM-A1[0-9]{2}[A-Z]-"),
    ("samsung-m", "transaction", "^SM-M[0-9]{3}[A-Z]-"),
    ("samsung-s21", "dialog", "^SM-G99[0-9][A-Z]-"),
    ("samsung-s20fe", "transaction", "^SM-G78[0-9][A-Z]-"),
    ("samsung-other", "dialog", "^SM-[A-Z][0-9]+.* Samsung IMS [0-9.]+$"),
    # Apple
    ("apple-ios18", "reuse", "^(iOS/|iPhone OS/)(18|26)\\.[0-9.]+"),
    ("apple-ios17", "reuse", "^(iOS/|iPhone OS/)17\\.[0-9.]+"),
    ("apple-ios16", "reuse", "^(iOS/|iPhone OS/)16\\.[0-9.]+"),
    ("apple-old", "none", "^(iOS/|iPhone OS/)1[0-5]\\."),
    # Google
    ("pixel-9", "transaction", "^Google_Pixel9[a-zA-Z]*_Android"),
    ("pixel-8", "transaction", "^Google_Pixel8[a-zA-Z]*_Android"),
    ("pixel-7", "transaction", "^Google_Pixel7[a-zA-Z]*_Android 1[3-6]_"),
    ("pixel-6", "dialog", "^Google_Pixel6[a-zA-Z]*_Android"),
    ("pixel-other", "transaction", "^Google_Pixel[0-9]+"),
    # Xiaomi family
    ("xiaomi-miui", "dialog", "^(Xiaomi|Redmi|POCO)_[A-Za-z0-9_]*Android_1[2-4]_MIUI[0-9]+$"),
    ("xiaomi-hyperos", "transaction", "^(Xiaomi|Redmi|POCO)_[A-Za-z0-9_]*Android 1[3-5]_V1[45]\\."),
    ("xiaomi-old", "dialog", "^(Xiaomi|Redmi|POCO)_[A-Za-z0-9_]*Android 12_V"),
    ("redmi-note13", "transaction", "^Redmi_Note_13"),
    ("poco-x6", "transaction", "^POCO_X6"),
    ("xiaomi-other", "dialog", "^(Xiaomi|Redmi|POCO)_"),
    # Oppo, Vivo, Motorola, Nokia/HMD, Fairphone
    ("oppo-14", "transaction", "^OPPO CPH[0-9]{4} Android 14"),
    ("oppo", "dialog", "^OPPO CPH[0-9]{4} Android"),
    ("vivo-14", "transaction", "^vivo V2[0-9]{3} Android 14"),
    ("vivo", "dialog", "^vivo V[0-9]{4} Android"),
    ("moto-edge", "reuse", "^motorola edge [0-9]+( pro)? Android"),
    ("moto-g", "transaction", "^motorola moto g[0-9]+ Android"),
    ("moto-razr", "reuse", "^motorola razr"),
    ("nokia-g", "transaction", "^Nokia G[0-9]+ Android 1[23] HMD IMS$"),
    ("nokia-x", "dialog", "^Nokia X[0-9]+ Android"),
    ("nokia-c", "none", "^Nokia C[0-9]+ Android"),
    ("fairphone-6", "transaction", "^Fairphone_Fairphone 6_FP6\\."),
    ("fairphone-5", "dialog", "^Fairphone_Fairphone 5_FP5\\.[A-Z0-9]+\\.[A-Z]\\.[0-9]+$"),
    ("fairphone-4", "dialog", "^Fairphone_Fairphone 4_FP4\\."),
    # reference stacks
    ("qc-ims-2", "transaction", "^QC-IMS/2\\.[0-9]+ \\((SM[0-9]{4}|MSM[0-9]{4})\\)$"),
    ("qc-ims-1", "dialog", "^QC-IMS/1\\.[0-9]+ \\("),
    ("mtk-ims", "dialog", "^MTK_IMS_v1\\.[01] \\(MT6[0-9]{3}\\)$"),
    ("mtk-other", "transaction", "^MTK_IMS_"),
    ("unisoc", "reuse", "^UNISOC-IMS/[0-9.]+ \\((T[0-9]{3}|SC[0-9]+[A-Z]?)\\)"),
    # softphones and desk phones
    ("linphone-android", "reuse", "^LinphoneAndroid/5\\.[0-9]+\\.[0-9]+ \\(belle-sip/"),
    ("linphone", "reuse", "^Linphone/[0-9]+\\.[0-9]+\\.[0-9]+ \\(belle-sip/"),
    ("zoiper", "none", "^Zoiper rv[0-9.]+$"),
    ("microsip", "none", "^MicroSIP/3\\.2[0-9]\\.[0-9]+$"),
    ("bria-ios", "reuse", "^Bria iOS release [0-9.]+ stamp [0-9]+$"),
    ("bria-android", "transaction", "^Bria Android release [0-9.]+ stamp [0-9]+$"),
    ("baresip", "none", "^baresip v[0-9]+\\.[0-9]+\\.[0-9]+ \\([a-z0-9_]+/[a-z]+\\)$"),
    ("jitsi", "none", "^Jitsi[0-9.]+$"),
    ("xlite", "none", "^X-Lite release [0-9.]+ stamp [0-9]+$"),
    ("pbx", "none", "^(Asterisk PBX|FreeSWITCH-mod_sofia)"),
    ("deskphone", "none", "^(Grandstream|Yealink|PolycomVVX)"),
    ("telephone", "none", "^Telephone [0-9.]+$"),
    ("any-android", "transaction", "Android ?[0-9]+"),
]


def main():
    uas = []
    seen = set()
    # the order is the popularity rank: handsets of big vendors first,
    # shuffled within the handset block, softphones last
    handsets = samsung() + apple() + google() + xiaomi() + others()
    rnd.shuffle(handsets)
    for ua in itertools.chain(handsets, softphones()):
        if ua not in seen:
            seen.add(ua)
            uas.append(ua)
    assert len(uas) >= 300, len(uas)
    assert len(RULES) == 60, len(RULES)
    with open(os.path.join(HERE, "data", "user_agents.txt"), "w") as f:
        f.write("".join(u + "\n" for u in uas))
    with open(os.path.join(HERE, "data", "rules.txt"), "w") as f:
        f.write("# tcp_persona benchmark rules: 60 rules, common subset of POSIX ERE\n"
                "# and PCRE2 (written by bench/gen_corpus.py)\n")
        for name, mode, rx in RULES:
            f.write("name=%s;mode=%s;ua=%s\n" % (name, mode, rx))
    print("%d User-Agents, %d rules" % (len(uas), len(RULES)))


if __name__ == "__main__":
    main()
