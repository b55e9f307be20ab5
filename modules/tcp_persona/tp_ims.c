/*
 * tcp_persona - bindings that follow ims_usrloc_pcscf's registrations
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "core/dprint.h"
#include "core/sr_module.h"
#include "modules/ims_usrloc_pcscf/usrloc.h"

#include "tp_dmq.h"
#include "tp_hooks.h"
#include "tp_ims.h"
#include "tp_mods.h"
#include "tp_sipaddr.h"

static usrloc_api_t tp_pcscf_ul;

/* runs in the process that deletes the contact, its domain locked */
static void tp_ims_contact_gone(struct pcontact *c, int type, void *param)
{
	tp_addr_t contact, source;
	time_t expires;
	char where[64];

	if(tp_host_addr(&c->contact_host, c->contact_port, &contact) < 0
			|| tp_host_addr(&c->received_host, c->received_port, &source)
					   < 0)
		return;
	/* a binding this node made: not a copy of a registration made since
	 * through another P-CSCF (DMQ) */
	if(tp_bind_del_if(tp_bindings, &contact, &source, 0, 1, &expires) <= 0)
		return;
	tp_dmq_del(&contact, &source, expires);
	LM_INFO("UE %s: its IMS registration %s, binding removed\n",
			tp_addr_str(&contact, where, sizeof(where)),
			type == PCSCF_CONTACT_EXPIRE ? "expired" : "ended");
}

static void tp_ims_contact_new(struct pcontact *c, int type, void *param)
{
	if(tp_pcscf_ul.register_ulcb(c, PCSCF_CONTACT_DELETE | PCSCF_CONTACT_EXPIRE,
			   tp_ims_contact_gone, NULL)
			< 0)
		LM_ERR("cannot follow the IMS contact %.*s\n", c->aor.len, c->aor.s);
}

int tp_ims_init(void)
{
	bind_usrloc_t bind;

	if(!module_loaded("ims_usrloc_pcscf"))
		return 0;
	if(!tp_mod_loaded_before("ims_usrloc_pcscf")) {
		LM_ERR("load tcp_persona after ims_usrloc_pcscf\n");
		return -1;
	}
	bind = (bind_usrloc_t)find_export("ul_bind_ims_usrloc_pcscf", 1, 0);
	if(bind == NULL || bind(&tp_pcscf_ul) < 0) {
		LM_ERR("cannot bind the ims_usrloc_pcscf API\n");
		return -1;
	}
	if(tp_pcscf_ul.register_ulcb(
			   NULL, PCSCF_CONTACT_INSERT, tp_ims_contact_new, NULL)
			< 0) {
		LM_ERR("cannot follow ims_usrloc_pcscf's contacts\n");
		return -1;
	}
	return 0;
}
