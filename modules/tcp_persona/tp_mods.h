/*
 * tcp_persona - the order in which modules were loaded
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * Kamailio initialises modules in the order cfg loads them. A module whose
 * callback lists tcp_persona registers into at its own start (dialog,
 * ims_dialog, ims_usrloc_pcscf) must have started first.
 */

#ifndef TP_MODS_H
#define TP_MODS_H

/*! \return 1 when module name was loaded before tcp_persona, else 0 */
int tp_mod_loaded_before(const char *name);

#endif /* TP_MODS_H */
