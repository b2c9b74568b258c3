"""Resolving employer names against a loaded snapshot, in SQL, on DuckDB and on PostgreSQL."""

from __future__ import annotations

from include.engine.bulk_resolve import entities_for, names_needing_lookup, resolve_names, unresolved_names
from include.engine.names import normalise_company
from include.snapshots.load import load_snapshot
from tests.snapshots.conftest import N_ENTITIES, SEED


def _pick(truth, registry, pred):
    return next(e for e in truth if e.registry == registry and pred(e))


def _typo(word: str) -> str:
    return word[:5] + word[6:]  # a letter dropped after the fifth


def test_exact_suffix_previous_other_and_typo_matches(loaded, truth):
    plain = _pick(truth, "companies_house", lambda e: e.names[0][0].endswith(" LIMITED"))
    renamed = _pick(truth, "companies_house", lambda e: len(e.names) > 1)
    chinese = _pick(truth, "gleif", lambda e: e.traditional is not None)
    long_word = _pick(
        truth,
        "companies_house",
        lambda e: max(len(t) for t in e.names[0][0].split()[:-1]) >= 8 and len(e.names[0][0].split()) >= 3,
    )
    word = max(long_word.names[0][0].split()[:-1], key=len)
    typo = long_word.names[0][0].replace(word, _typo(word)).title()
    suffix_variant = plain.names[0][0].removesuffix(" LIMITED").title() + " Ltd."
    translit = next(n for n, k in chinese.names if k == "transliterated")
    queries = [
        plain.names[0][0],
        suffix_variant,
        renamed.names[1][0].lower(),
        translit,
        chinese.traditional,
        typo,
    ]
    res = resolve_names(loaded, queries)

    assert res[plain.names[0][0]].entity_id == plain.entity_id and res[plain.names[0][0]].method == "exact"
    assert res[suffix_variant].entity_id == plain.entity_id and res[suffix_variant].confidence == 1.0
    prev = res[renamed.names[1][0].lower()]
    assert prev.entity_id == renamed.entity_id and prev.matched_name == renamed.names[1][0]
    assert res[translit].entity_id == chinese.entity_id
    assert res[chinese.traditional].entity_id == chinese.entity_id
    assert res[typo].entity_id == long_word.entity_id and res[typo].method == "fuzzy"
    assert 0.86 <= res[typo].confidence < 1.0


def test_a_site_after_the_name_is_its_company(loaded, truth):
    plain = _pick(truth, "companies_house", lambda e: e.names[0][0].endswith(" LIMITED"))
    at_site = plain.names[0][0].removesuffix(" LIMITED").title() + " Gdansk Plant"
    res = resolve_names(loaded, [at_site])[at_site]
    assert res.entity_id == plain.entity_id and res.method == "exact" and "site qualifier" in res.why


def test_generic_words_alone_never_match(loaded, truth):
    generic = _pick(truth, "companies_house", lambda e: "SOLUTIONS" in e.names[0][0].split())
    fabricated = [
        "Qyzjqo Solutions Global",
        "Global Solutions Group Ltd",
        "Zyxquz Solutions",
        "Vyqxoq Digital Systems International",
    ]
    res = resolve_names(loaded, [*fabricated, generic.names[0][0]])
    assert [res[f].hit for f in fabricated] == [False] * 4
    assert res[generic.names[0][0]].entity_id == generic.entity_id
    assert unresolved_names(res) == fabricated
    assert names_needing_lookup(loaded, ["", fabricated[0], generic.names[0][0]]) == ["", fabricated[0]]


def test_agrees_with_the_in_memory_index(loaded):
    """The SQL path decides as RegistryIndex over the same entities does (the engine's semantics)."""
    from include.engine.resolve import RegistryIndex
    from sandbox.registry_files.sample import employer_sample

    sample = employer_sample(160, N_ENTITIES, SEED, gleif_share=0.3)
    ids = [r["entity_id"] for r in loaded.query("SELECT entity_id FROM registry_entities")]
    index = RegistryIndex(entities_for(loaded, ids))
    bulk = resolve_names(loaded, [s.name for s in sample])
    agree = sum(1 for s in sample if bulk[s.name].entity_id == index.resolve(s.name).entity_id)
    assert agree / len(sample) >= 0.95
    derived = [s for s in sample if s.entity_id]
    found = sum(
        1 for s in derived if bulk[s.name].entity_id == s.entity_id or s.entity_id in bulk[s.name].family
    )
    assert found / len(derived) >= 0.85


def test_entities_for_brings_names_and_parents(loaded, truth):
    child = _pick(truth, "gleif", lambda e: len(e.names) > 1)
    parent = _pick(truth, "gleif", lambda e: e.entity_id != child.entity_id)
    loaded.execute(
        "UPDATE registry_entities SET parent_ids = ? WHERE entity_id = ?",
        [f'["{parent.entity_id}"]', child.entity_id],
    )
    got = {e.entity_id: e for e in entities_for(loaded, [child.entity_id])}
    assert set(got) == {child.entity_id, parent.entity_id}
    assert [(n.name, n.kind) for n in got[child.entity_id].names] == child.names
    res = resolve_names(loaded, [child.names[0][0]])[child.names[0][0]]
    assert parent.entity_id in res.family


def test_names_loaded_by_the_api_path_resolve_too(wh, snapshot_files):
    from include.engine.names import normalise_name
    from include.models import RegistryEntity, RegistryName
    from include.warehouse.registry_cache import WarehouseRegistryCache

    load_snapshot(wh, snapshot_files.gleif)
    ent = RegistryEntity(
        entity_id="opencorporates:gb/07777777",
        registry="opencorporates",
        names=[RegistryName(name="Brightwhistle Instruments Ltd", kind="legal")],
        record_url="https://opencorporates.com/companies/gb/07777777",
    )
    WarehouseRegistryCache(wh, normalise_name).put_entity(ent)
    res = resolve_names(wh, ["BRIGHTWHISTLE INSTRUMENTS LIMITED", "Brightwhistl Instruments"])
    assert {r.entity_id for r in res.values()} == {"opencorporates:gb/07777777"}
    assert (
        normalise_company("Brightwhistle Instruments Ltd")
        == wh.query("SELECT normalized FROM registry_names WHERE entity_id = ?", [ent.entity_id])[0][
            "normalized"
        ]
    )


def test_entities_for_names_covers_local_hits_and_api_lookups(loaded, truth):
    from include.engine.bulk_resolve import entities_for_names
    from include.engine.resolve import RegistryIndex

    a, b = [e for e in truth if e.registry == "companies_house"][:2]
    loaded.upsert(
        "registry_lookups",
        [
            {
                "registry": "gleif",
                "query_key": "name:zyxquz robotics",
                "entity_ids": [b.entity_id],
                "looked_up_at": "2026-02-01T00:00:00+00:00",
                "expires_at": "2026-03-01T00:00:00+00:00",
            }
        ],
        ["registry", "query_key"],
    )
    ents = entities_for_names(
        loaded, [a.names[0][0].title(), "Zyxquz Robotics Ltd", "Qyzjqo Solutions Global"]
    )
    assert {e.entity_id for e in ents} == {a.entity_id, b.entity_id}
    assert RegistryIndex(ents).resolve(a.names[0][0]).entity_id == a.entity_id


def test_stale_normalised_names_are_recomputed(loaded, truth):
    from include.snapshots.normalised import normaliser_fingerprint, renormalise_if_stale, stored_fingerprint

    ent = next(e for e in truth if e.registry == "companies_house")
    loaded.execute("UPDATE registry_names SET normalized = 'stale' WHERE entity_id = ?", [ent.entity_id])
    assert resolve_names(loaded, [ent.names[0][0]])[ent.names[0][0]].method != "exact"
    assert renormalise_if_stale(loaded) == len(ent.names)
    assert stored_fingerprint(loaded) == normaliser_fingerprint()
    assert renormalise_if_stale(loaded) is None
    assert resolve_names(loaded, [ent.names[0][0]])[ent.names[0][0]].method == "exact"


def test_a_fuzzy_local_match_still_goes_to_the_apis(loaded, truth):
    """Only exact local matches skip the registry APIs: a typo's fuzzy match is a guess."""
    long_word = _pick(truth, "companies_house", lambda e: len(max(e.names[0][0].split(), key=len)) >= 9)
    word = max(long_word.names[0][0].split(), key=len)
    typo = long_word.names[0][0].replace(word, _typo(word)).title()
    res = resolve_names(loaded, [long_word.names[0][0], typo])
    assert res[long_word.names[0][0]].method == "exact" and res[typo].method == "fuzzy"
    assert names_needing_lookup(loaded, [long_word.names[0][0], typo]) == [typo]
    assert unresolved_names(res) == []  # it is a local hit, only not one trusted enough to skip the APIs
