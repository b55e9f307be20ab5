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

/*! tcp_persona.match and tcp_persona.rules */
extern rpc_export_t tp_rpc_cmds[];

#endif /* TP_RPC_H */
