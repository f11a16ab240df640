import pytest
pytestmark = pytest.mark.browser

def test_dump(page, business_manager):
    for path in ["/accounts/login/"]:
        page.goto(path)
        print("=====", page.url)
        print(page.content())
    print(page.context.cookies())
