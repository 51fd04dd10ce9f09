def test_home_page_answers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Co-production Week" in response.get_data(as_text=True)
