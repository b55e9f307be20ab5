# tcp_persona - top-level build, install, test and demo.
#
#   make            build modules/tcp_persona/tcp_persona.so for the installed
#                   kamailio (headers from Debian's source package, or
#                   KAMAILIO_SRC=/path/to/kamailio)
#   make deps       install the Debian packages build, demo and tests need
#   make install    copy the module into kamailio's module directory
#   make test       unit tests (ASan/UBSan) and integration tests
#   make demo       a running Kamailio classifying SIPp handsets

MODULE_DIR  := modules/tcp_persona
MODULE_SO   := $(MODULE_DIR)/tcp_persona.so
MULTIARCH   := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
MODULES_DIR ?= /usr/lib/$(MULTIARCH)/kamailio/modules
export KAMAILIO_SRC BUILD_DIR

.PHONY: all module deps install test unit integration demo clean distclean

all: module

deps:
	@tools/deps.sh

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

install: module
	install -d $(DESTDIR)$(MODULES_DIR)
	install -m 755 $(MODULE_SO) $(DESTDIR)$(MODULES_DIR)/tcp_persona.so

test: unit integration

unit: deps
	@$(MAKE) -s -C test/unit test
	@python3 -m unittest discover -s test/wire

integration: module
	@test/integration/run.sh

demo: module
	@demo/run.sh

clean:
	rm -f $(MODULE_DIR)/*.o $(MODULE_DIR)/*.d $(MODULE_DIR)/*.so \
		$(MODULE_DIR)/*.lst $(BUILT_FOR)
	$(MAKE) -s -C test/unit clean
	rm -rf test/out

distclean: clean
	rm -rf build
