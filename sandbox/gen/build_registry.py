"""The sandbox's register: the hiring company, its competitors, corporate families, brands and a pool of
ordinary employers, built on ``companies.Registry`` by ``families`` and ``brands``."""

from __future__ import annotations

import random
from datetime import date

from sandbox.gen import brands, families
from sandbox.gen.companies import Registry
from sandbox.gen.vocab import Vocabulary


def build_registry(rng: random.Random, day: date, n_uk: int = 120, vocab: Vocabulary | None = None) -> Registry:
    """The hiring company, its competitors, corporate families and a pool of ordinary employers."""
    reg = Registry(rng, day, vocab)
    r = rng
    hq = reg.uk("hardware", core="Example Robotics", created=date(2001, 5, 1), key="example-robotics",
                sic=["26110", "28990"])
    hq.hiring, hq.ch_number, hq.oc, hq.city = True, "01234567", ("gb", "01234567"), "Cambridge"
    families.competitors(reg)
    for sector, weight in (("software", 30), ("hardware", 14), ("machinery", 14), ("consulting", 10),
                           ("research", 8), ("finance", 7), ("medical", 5), ("energy", 4), ("logistics", 3),
                           ("retail", 3), ("telecom", 5), ("automotive", 5), ("media", 3)):
        for _ in range(max(1, round(n_uk * weight / 111))):
            c = reg.uk(sector, plc=r.random() < 0.04)
            roll = r.random()
            if roll < 0.12:
                reg.rename(c)
            elif roll < 0.2:  # dissolved years ago: only old jobs can be there
                c.dissolved = date(r.randint(max(c.created.year + 3, 2009), 2025), r.randint(1, 12), r.randint(1, 28))
                c.status = "dissolved"
            elif roll < 0.23:
                c.status = "liquidation"
            elif roll < 0.28:  # a young company
                c.created = date(r.randint(2018, 2023), r.randint(1, 12), r.randint(1, 28))
    # hard negatives: generic words shared with named competitors, unrelated industries
    reg.uk("machinery", core="Pellworth Automation Services", sic=["33200"], created=date(1996, 3, 4))
    reg.uk("software", core="Tormund Dynamics", sic=["62020"], created=date(2009, 11, 17))
    for country, n in (("DE", 8), ("FR", 5), ("US", 8), ("NL", 3), ("IE", 3), ("IN", 8)):
        for _ in range(n):
            c = reg.foreign(country, r.choice(["software", "hardware", "machinery", "consulting", "research"]))
            if r.random() < 0.12:
                reg.rename(c)
            if r.random() < 0.15:  # trades under a short form of its name, e.g. "PERL" for Peregrine Laboratories
                short = c.core.split()[0][:3].upper() + "".join(w[0] for w in c.core.split()[1:] if w[0].isupper())
                if all(o.trading != short for o in reg.companies):
                    c.trading = short
    for _ in range(14):
        reg.chinese(r.choice(["hardware", "software", "machinery"]))
    for i in range(len(reg.vocab.jp_companies)):
        reg.japanese(i)
    families.families(reg)
    brands.add_all(reg)
    return reg
