"""The hiring company's competitors and the corporate families (parents, subsidiaries, holdings).

Split from ``companies`` to keep modules short; ``build_registry.build_registry`` calls both.
"""

from __future__ import annotations

from datetime import date

from sandbox.gen.companies import Registry


def competitors(reg: Registry) -> None:
    named = "named competitor"
    rival = reg.uk("machinery", core="Rival Dynamics", created=date(1998, 6, 2), key="rival-dynamics",
                   sic=["28410", "71121"])
    rival.competitor = named
    acme = reg.foreign("US", "machinery", core="Acme Automation", key="acme-inc", created=date(1987, 2, 9))
    acme.display, acme.competitor, acme.oc = "Acme Automation Inc.", named, ("us_de", "2184377")
    acme_de = reg.foreign("DE", "machinery", core="Acme Automation", key="acme-gmbh", created=date(2004, 9, 1))
    acme_de.competitor, acme_de.parent, acme_de.family = named + " (and in its family)", acme.key, acme.key
    acme.bare_ok = acme_de.bare_ok = False
    bright = reg.uk("software", core="Brightwell Motion Systems", created=date(2006, 4, 12), key="brightwell",
                    sic=["33200"])
    bright.competitor, bright.parent, bright.family = "in a competitor's corporate family", acme_de.key, acme.key
    for key, core, sic, created in (("corvane", "Corvane Robotics", ["26110"], date(1994, 1, 20)),
                                    ("teslin", "Teslin Motion", ["28990", "62012"], date(2003, 8, 5)),
                                    ("kestrel", "Kestrel Sensing", ["26511", "26110"], date(1999, 10, 30))):
        c = reg.uk("hardware", core=core, created=created, key=key, sic=sic)
        c.competitor = f"shares SIC {min(set(sic) & {'26110', '28990'})} with the hiring company"
    bally = reg.foreign("IE", "machinery", core="Ballyford Automation", key="ballyford", created=date(2001, 2, 14))
    bally.oc, bally.competitor, bally.sic = ("ie", "338104"), "shares NACE 28.99 (OpenCorporates)", ["28990"]


def families(reg: Registry) -> None:
    """Parents and subsidiaries with different names, as GLEIF links them (none is a competitor)."""
    r = reg.rng
    # A brand subsidiary keeps the old brand while the parent renamed itself.
    parent = reg.foreign("US", "software", key="tessellate", core="Kitewing", created=date(2004, 2, 4))
    parent.display = "Kitewing, Inc."
    reg.rename(parent, "Tessellate Platforms")
    parent.previous[-1] = ("Kitewing, Inc.", parent.created, date(2021, 10, 28))
    sub = reg.uk("software", core="Kitewing UK", created=date(2004, 5, 3), key="kitewing-uk")
    sub.parent = sub.family = parent.key
    # Other families: a foreign or UK parent with one to three differently named subsidiaries.
    parents = [c for c in reg.companies if c.country in ("US", "DE", "NL", "JP", "CN") and not c.competitor
               and c.key != parent.key and not c.previous]
    r.shuffle(parents)
    for p in parents[:8]:
        p.oc = p.oc if p.country != "CN" else None
        for _ in range(r.randint(1, 3)):
            s = reg.uk(r.choice(["software", "hardware", "consulting", "research"]),
                       created=date(r.randint(max(p.created.year + 1, 1990), max(p.created.year + 1, 2014)),
                                    r.randint(1, 12), r.randint(1, 28)))
            s.parent, s.family = p.key, p.key
        if p.country == "CN" and r.random() < 0.7:
            s = reg.uk("hardware", core=f"{p.core} (UK)", created=date(r.randint(2010, 2016), 3, 1))
            s.parent, s.family = p.key, p.key
    # An intermediate holding: the UK subsidiary's direct parent is a Dutch B.V. of a US group.
    top = next(c for c in reg.companies if c.country == "US" and c.family == c.key and not c.competitor
               and c.key != parent.key)
    mid = reg.foreign("NL", "consulting", core=f"{top.core.split()[0]} Europe", created=date(2008, 5, 5))
    mid.parent = mid.family = top.key
    s = reg.uk("software", created=date(2011, 9, 9))
    s.parent, s.family = mid.key, top.key
