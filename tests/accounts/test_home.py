from tests.conftest import World


def test_it_sends_anonymous_visitors_to_sign_in(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/home/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_lists_nothing_for_a_user_without_roles(world: World) -> None:
    response = world.client_for(world.nobody).get("/home/")
    assert response.status_code == 200
    assert b"You have no role yet" in response.content
