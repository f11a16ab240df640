import pytest
from django.core.management import call_command
from govhub.core.tests.browser import AXE_JS
pytestmark = pytest.mark.browser

def test_dump(page, business_manager, settings):
    settings.GOVHUB_DEMO = True
    call_command("demo")
    from django.apps import apps
    org = apps.get_model("organisations", "Organisation").objects.get(name="Ministry of Digital Development")
    for lang in ["en", "fa-af"]:
        for path in ["/", "/accounts/login/", "/organisations/", f"/organisations/{org.pk}/"]:
            page.goto(f"/language/?lang={lang}&next={path}")
            page.add_script_tag(path=str(AXE_JS))
            res = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22aa"]}})).incomplete.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ') + ' ' + (n.any[0]||{}).message).join(' | '))""")
            print(lang, path, res)
            page.screenshot(path=f"/tmp/desk-{lang}-{path.replace('/','_')}.png", full_page=True)
    page.goto("/organisations/")
    page.keyboard.press("Tab")
    page.screenshot(path="/tmp/focus1.png")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.screenshot(path="/tmp/focus2.png")
