/*
 * tcp_persona - bindings that follow ims_usrloc_pcscf's registrations
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * In an IMS P-CSCF, ims_usrloc_pcscf keeps the registrations. A contact
 * ends there without a 2xx to a REGISTER passing the proxy: the network
 * de-registers the UE (a reg-event NOTIFY that ims_registrar_pcscf
 * handles), or the contact expires. The module follows each contact
 * ims_usrloc_pcscf stores and, when it is deleted or expires, removes the
 * binding of its Contact address if that binding's REGISTER came from the
 * contact's source address: a contact a forged REGISTER left pending
 * elsewhere does not end a UE's binding.
 */

#ifndef TP_IMS_H
#define TP_IMS_H

/*! follows ims_usrloc_pcscf when it is loaded (before tcp_persona, so
 * that its callback list exists); \return 0, or -1 logged */
int tp_ims_init(void);

#endif /* TP_IMS_H */
