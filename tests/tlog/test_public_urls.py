"""The log's public URLs: no login, hashes only, stable, clear 400s."""

from __future__ import annotations

import base64
import json

import pytest
from django.conf import settings
from django.test import Client

from vigil.ledger import verify_consistency, verify_inclusion
from vigil.ledger.checkpoint import open_checkpoint, parse_proof
from vigil.ledger.note import Verifier
from vigil.tlog import keys, services

pytestmark = pytest.mark.django_db


def b64(s: str) -> bytes:
    return base64.b64decode(s, validate=True)


def fill(n: int) -> None:
    services.append(records=[{"type": "test", "incident": 4242, "n": i} for i in range(n)])


def test_the_verifier_key_is_public_text() -> None:
    response = Client().get("/log/key")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text == keys.verifier_key() + "\n"
    assert Verifier.from_key(text.strip()).name == settings.VIGIL_LOG_ORIGIN


def test_the_latest_checkpoint_and_each_signed_size_have_stable_urls() -> None:
    client = Client()
    assert client.get("/log/checkpoint").status_code == 404
    fill(3)
    first = services.issue_checkpoint()
    fill(2)
    second = services.issue_checkpoint()
    response = client.get("/log/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == second.note
    at3 = client.get("/log/checkpoints/3")
    assert at3.content.decode() == first.note
    assert "immutable" in at3["Cache-Control"]
    assert open_checkpoint(at3.content, client.get("/log/key").content.decode()).size == 3
    assert client.get("/log/checkpoints/4").status_code == 404
    assert client.get("/log/checkpoints/99999999999999999999999").status_code == 404
    assert client.get("/log/checkpoints/-1").status_code == 404


def test_an_outside_party_can_prove_the_log_only_grew_between_two_checkpoints() -> None:
    client = Client()
    key = client.get("/log/key").content.decode().strip()
    fill(5)
    services.issue_checkpoint()
    old = open_checkpoint(client.get("/log/checkpoint").content, key)
    fill(8)
    services.issue_checkpoint()
    new = open_checkpoint(client.get("/log/checkpoint").content, key)
    response = client.get(f"/log/proof/consistency?old={old.size}&new={new.size}")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert set(body) == {"old", "new", "old_root", "new_root", "proof"}
    proof = [b64(h) for h in body["proof"]]
    verify_consistency(old.size, new.size, proof, old.root_hash, new.root_hash)
    assert (b64(body["old_root"]), b64(body["new_root"])) == (old.root_hash, new.root_hash)
    text = client.get(f"/log/proof/consistency?old={old.size}&new={new.size}&format=text")
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert parse_proof(text.content) == proof


def test_an_inclusion_proof_leads_to_the_signed_root() -> None:
    client = Client()
    fill(11)
    signed = open_checkpoint(services.issue_checkpoint().note, keys.load_verifier())
    response = client.get("/log/proof/inclusion?index=6&size=11")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert set(body) == {"index", "size", "leaf_hash", "root", "proof"}
    verify_inclusion(b64(body["leaf_hash"]), 6, 11, [b64(h) for h in body["proof"]], signed.root_hash)
    assert b64(body["root"]) == signed.root_hash


def test_leaf_records_are_never_served() -> None:
    fill(4)
    client = Client()
    for url in ("/log/proof/inclusion?index=1&size=4", "/log/proof/consistency?old=1&new=4", "/log/key"):
        assert b"4242" not in client.get(url).content
        assert b"incident" not in client.get(url).content


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/log/proof/inclusion?size=3", "missing parameter index"),
        ("/log/proof/inclusion?index=1", "missing parameter size"),
        ("/log/proof/inclusion?index=x&size=3", "non-negative decimal"),
        ("/log/proof/inclusion?index=-1&size=3", "non-negative decimal"),
        ("/log/proof/inclusion?index=+1&size=3", "non-negative decimal"),
        ("/log/proof/inclusion?index=01&size=3", "non-negative decimal"),
        ("/log/proof/inclusion?index=1.0&size=3", "non-negative decimal"),
        ("/log/proof/inclusion?index=1&size=99999999999999999999999999", "non-negative decimal"),
        ("/log/proof/inclusion?index=1&index=2&size=3", "more than once"),
        ("/log/proof/inclusion?index=3&size=3", "outside a tree of size 3"),
        ("/log/proof/inclusion?index=0&size=4", "fewer than 4 leaves"),
        ("/log/proof/inclusion?index=0&size=0", "outside a tree of size 0"),
        ("/log/proof/consistency?old=2", "missing parameter new"),
        ("/log/proof/consistency?old=3&new=2", "larger than new size"),
        ("/log/proof/consistency?old=1&new=9", "fewer than 9 leaves"),
        ("/log/proof/consistency?old=1&new=2&format=xml", "json or text"),
    ],
)
def test_bad_parameters_get_a_clear_400(url: str, message: str) -> None:
    fill(3)
    response = Client().get(url)
    assert response.status_code == 400
    assert message in json.loads(response.content)["detail"]


def test_the_urls_only_answer_get_and_head_and_need_no_login() -> None:
    fill(2)
    client = Client()
    for url in ("/log/checkpoint", "/log/key", "/log/proof/inclusion?index=0&size=2"):
        assert client.post(url).status_code == 405
        assert client.delete(url).status_code == 405
    assert client.head("/log/key").status_code == 200
    assert client.get("/log/proof/inclusion?index=0&size=2").status_code == 200
