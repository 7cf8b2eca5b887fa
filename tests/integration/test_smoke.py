def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_signed_in_user_sees_today(auth):
    assert auth.get("/").status_code == 200
