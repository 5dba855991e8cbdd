from tests.world import World


def test_it_sends_anonymous_visitors_to_sign_in(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/home/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_lists_nothing_for_a_user_without_roles(world: World) -> None:
    response = world.client_for(world.nobody).get("/home/")
    assert response.status_code == 200
    assert b"You have no role yet" in response.content


def test_it_shows_my_messages_and_marks_them_read(world: World) -> None:
    from vigil.network.models import Notification

    Notification.objects.create(user=world.alice, kind="check_in_missed", subject="Missed check-in", body="Call them")
    Notification.objects.create(user=world.bob, kind="other", subject="Not for alice", body="")
    client = world.client_for(world.alice)
    page = client.get("/home/").content.decode()
    assert "Missed check-in" in page and "Not for alice" not in page
    assert client.post("/home/read").status_code == 302
    assert not Notification.objects.filter(user=world.alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.bob, read_at__isnull=True).exists()


def test_the_page_title_stays_a_title(world: World) -> None:
    from vigil.network.models import Notification

    Notification.objects.create(user=world.alice, kind="k", subject="Hello there", body="")
    page = world.client_for(world.alice).get("/home/").content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Hello there" not in title and page.count("Hello there") == 1
