/*
 * tcp_persona - RPC commands
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TP_RPC_H
#define TP_RPC_H

#include "core/rpc.h"

/*! every tcp_persona.* command */
extern rpc_export_t tp_rpc_cmds[];

/*! the binding commands (tp_rpc_bind.c) */
extern const char *tp_rpc_bindings_doc[];
extern const char *tp_rpc_binding_doc[];
extern const char *tp_rpc_unbind_doc[];
void tp_rpc_bindings(rpc_t *rpc, void *ctx);
void tp_rpc_binding(rpc_t *rpc, void *ctx);
void tp_rpc_unbind(rpc_t *rpc, void *ctx);
extern const char *tp_rpc_nodes_doc[];
void tp_rpc_nodes(rpc_t *rpc, void *ctx);
/*! persona discovery (tp_rpc_profile.c) */
extern const char *tp_rpc_profile_doc[];
extern const char *tp_rpc_profile_rules_doc[];
void tp_rpc_profile(rpc_t *rpc, void *ctx);
void tp_rpc_profile_rules(rpc_t *rpc, void *ctx);
/*! adds to th the other nodes' answers to reload request seq, waiting
 * a moment for them */
void tp_rpc_reload_answers(rpc_t *rpc, void *th, unsigned int seq);

/*! an optional parameter as a string: 1 got it, 0 none, -1 one of
 * another type (a float) */
int tp_rpc_opt_str(rpc_t *rpc, void *ctx, str *s);

/*! 1 and a fault reply when the command got a parameter too many */
int tp_rpc_extra(rpc_t *rpc, void *ctx, const char *expected);

#endif /* TP_RPC_H */
