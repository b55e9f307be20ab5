# tcp_persona - top-level build, install, test and demo.
#
#   make            build modules/tcp_persona/tcp_persona.so for the installed
#                   kamailio (headers from Debian's source package, or
#                   KAMAILIO_SRC=/path/to/kamailio)
#   make deps       install the Debian packages build, demo and tests need
#   KAMAILIO_VERSION=6.0  any of these against Debian 13's kamailio 6.0,
#                   built from its source package under build/;
#                   6.0-cmake: that tree built with CMake (make demo)
#   make install    copy the module into kamailio's module directory
#   make deb        a Debian package of the module for the installed
#                   kamailio (build/deb/); KAMAILIO_VERSION=6.0: for
#                   Debian 13's kamailio package, built in a Debian 13
#                   chroot under build/
#   make test       unit tests (ASan/UBSan) and integration tests
#   make demo       a running Kamailio classifying SIPp handsets
#   make demo-ims   the same in an IMS P-CSCF (Kamailio's IMS modules)
#   make bench      the benchmarks (bench/), figures in doc/BENCHMARKS.md
#   make fuzz       the libFuzzer targets, FUZZ_SECONDS each (default 600)
#   make soak       20,000+ calls over 5+ minutes, mixed personas; figures
#   make doc        validate doc/*.xml (DocBook) and render the plain-text
#                   modules/tcp_persona/README from it (DOC_OUT=FILE writes
#                   elsewhere); any warning fails it

# the module's release; make deb adds the commit's date and hash
TP_RELEASE := 0.9.0

MODULE_DIR  := modules/tcp_persona
MODULE_SO   := $(MODULE_DIR)/tcp_persona.so
MULTIARCH   := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
MODULES_DIR ?= /usr/lib/$(MULTIARCH)/kamailio/modules
export KAMAILIO_SRC BUILD_DIR

.PHONY: all module deps install deb test unit fuzz-smoke integration demo demo-ims doc bench fuzz soak clean distclean

all: module

deps:
	@tools/deps.sh

# KAMAILIO_VERSION=6.0: Debian 13's kamailio 6.0, built under build/, and
# the module built in its tree (tools/with-kamailio.sh); empty or 5.6: the
# installed Debian 12 kamailio.
KAMAILIO_VERSION ?=
WITH_KAMAILIO := tools/with-kamailio.sh "$(KAMAILIO_VERSION)"
ifneq ($(filter-out 5.6,$(KAMAILIO_VERSION)),)
module: deps
	@$(WITH_KAMAILIO) tools/build-in-tree.sh >/dev/null
else
# Kamailio's module build decides what is out of date, except when the tree
# or the kamailio package changed: then everything is rebuilt.
BUILT_FOR := $(MODULE_DIR)/.built-for
module: deps
	@tree=$$(tools/kamailio-tree.sh) && \
		want="$$tree $$(dpkg-query -W -f='$${Version}' kamailio)" && \
		if [ "$$(cat $(BUILT_FOR) 2>/dev/null)" != "$$want" ]; then \
			rm -f $(MODULE_DIR)/*.o $(MODULE_DIR)/*.d $(MODULE_SO); fi && \
		$(MAKE) -s -C $(MODULE_DIR) COREPATH="$$tree/src" && \
		tools/check-module.sh $(MODULE_SO) && echo "$$want" >$(BUILT_FOR)
endif

install: module
	install -d $(DESTDIR)$(MODULES_DIR)
	@$(WITH_KAMAILIO) sh -c 'install -m 755 "$${TP_MODULE:-$(MODULE_SO)}" \
		"$(DESTDIR)$(MODULES_DIR)/tcp_persona.so"'

ifneq ($(filter-out 5.6,$(KAMAILIO_VERSION)),)
deb: deps
	@tools/deb-debian13.sh
else
deb: deps
	@tools/deb.sh
endif

test: unit fuzz-smoke integration

unit: deps
	@$(MAKE) -s -C test/unit test
	@python3 -m unittest discover -s test/wire

# each fuzz target about 20 s: a smoke run, the long runs are make fuzz
fuzz-smoke: deps
	@$(MAKE) -s -C test/fuzz smoke FUZZ_SECONDS=20

fuzz: deps
	@$(MAKE) -s -C test/fuzz run FUZZ_SECONDS=$(or $(FUZZ_SECONDS),600)

integration: module
	@$(WITH_KAMAILIO) test/integration/run.sh

demo: module
	@$(WITH_KAMAILIO) demo/run.sh

demo-ims: module
	@$(WITH_KAMAILIO) demo/run_ims.sh

bench: module
	@bench/run.sh

soak: module
	@test/soak/soak.sh

# The DocBook is validated against the DTD that /etc/xml/catalog resolves to
# the local docbook-xml (--nonet: no download), rendered to one HTML page by
# docbook-xsl and dumped to text by lynx, as Kamailio renders its READMEs.
# Every step must print nothing: a warning is a failure.
DOC_MAIN ?= doc/tcp_persona.xml
DOC_OUT  ?= $(MODULE_DIR)/README
DOC_XSL  := /usr/share/xml/docbook/stylesheet/docbook-xsl/html/docbook.xsl
DOC_XSLT := --nonet --xinclude --stringparam section.autolabel 1 \
	--stringparam section.label.includes.component.label 1 \
	--stringparam generate.toc "book toc,title,example"
DOC_LYNX := -cfg=/dev/null -force_html -dump -nolist -width=80 -dont_wrap_pre \
	-display_charset=us-ascii

doc: deps
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT || exit 1; \
	fail() { echo "tcp_persona: make doc: $$1 failed or warned:" >&2; \
		cat "$$tmp/msg" >&2; exit 1; }; \
	xmllint --noout --valid --noent --nonet $(DOC_MAIN) >"$$tmp/msg" 2>&1 \
		&& [ ! -s "$$tmp/msg" ] || fail xmllint; \
	xsltproc $(DOC_XSLT) -o "$$tmp/doc.html" $(DOC_XSL) $(DOC_MAIN) \
		>"$$tmp/msg" 2>&1 && [ ! -s "$$tmp/msg" ] || fail xsltproc; \
	env -i PATH="$$PATH" HOME="$$tmp" lynx $(DOC_LYNX) "$$tmp/doc.html" \
		>"$$tmp/README" 2>"$$tmp/msg" && [ ! -s "$$tmp/msg" ] || fail lynx; \
	cat "$$tmp/README" >"$(DOC_OUT)" || exit 1; \
	echo "tcp_persona: wrote $(DOC_OUT)"

clean:
	rm -f $(MODULE_DIR)/*.o $(MODULE_DIR)/*.d $(MODULE_DIR)/*.so \
		$(MODULE_DIR)/*.lst $(BUILT_FOR)
	$(MAKE) -s -C test/unit clean
	$(MAKE) -s -C bench clean
	$(MAKE) -s -C test/fuzz clean
	rm -rf test/out

distclean: clean
	rm -rf build
