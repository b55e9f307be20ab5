# tcp_persona fuzzing: fuzz_contact, the one target that runs Kamailio's own
# parsers (parse_contact, parse_uri, str2ipx) under the module's address
# code. They are compiled from the Kamailio tree the module is built
# against (COREPATH=<tree>/src), with that tree's configuration (C_DEFS),
# and linked with kamailio_env.c instead of the rest of the core.
# Called by Makefile; COREPATH is required.

ifeq ($(COREPATH),)
$(error COREPATH=<kamailio tree>/src is required)
endif
include $(COREPATH)/Makefile.defs

MOD := ../../modules/tcp_persona
FUZZ_CC := clang
SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# -isystem: the core headers warn under -Wextra, ours must not
KDEFS := $(C_DEFS) $(DEFS) -isystem $(COREPATH)
OURS := fuzz_contact.c kamailio_env.c $(MOD)/tp_sipaddr.c $(MOD)/tp_addr.c \
	$(MOD)/tp_urihost.c
CORE := parser/contact/parse_contact.c parser/contact/contact.c \
	parser/parse_param.c parser/parse_uri.c resolve.c
# pointer-overflow is off for the core's objects only: Kamailio 5.6's
# q_memchr() (ut.h) computes NULL + 0 for an empty user part in parse_uri()
# ("sip:59<n;user=phone"): undefined by the letter, harmless, not ours
CORE_SAN := -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize=pointer-overflow -fno-sanitize-recover=all \
	-ffunction-sections -fdata-sections
# resolve.c is linked for str2ipx alone: lld drops its DNS code and what
# that refers to (GNU ld keeps every function that has coverage counters)
LINK := -fuse-ld=lld -Wl,--gc-sections
OBJ := ../out/fuzz/obj

fuzz_contact: $(OURS) $(addprefix $(COREPATH)/core/,$(CORE)) $(wildcard $(MOD)/*.h)
	@mkdir -p $(OBJ)
	@for f in $(CORE); do \
		$(FUZZ_CC) -c -g -O1 -w $(CORE_SAN) $(KDEFS) -o $(OBJ)/$$(basename $$f .c).o \
			$(COREPATH)/core/$$f || exit 1; \
	done
	$(FUZZ_CC) -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -I$(MOD) \
		$(SAN) $(KDEFS) $(LINK) -o $@ $(OURS) \
		$(addprefix $(OBJ)/,$(notdir $(CORE:.c=.o)))
