"""Admin forms as a browser would submit them."""

from bs4 import BeautifulSoup


def form_data(client, url: str) -> dict:
    """What the edit form at `url` would submit unchanged (inputs, selects, textareas of its main form)."""
    page = BeautifulSoup(client.get(url).content, "html.parser")
    # The edit form: the POST form with the most fields (not the header's search or the logout form).
    form = max(
        (f for f in page.find_all("form") if f.find(attrs={"name": "csrfmiddlewaretoken"})),
        key=lambda f: len(f.find_all(["input", "select", "textarea"])),
    )
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled") or name == "csrfmiddlewaretoken":
            continue
        if field.name == "select":
            chosen = [o.get("value", "") for o in field.find_all("option") if o.has_attr("selected")]
            data.setdefault(name, []).extend(chosen)
        elif field.name == "textarea":
            data.setdefault(name, []).append(field.text)
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") not in ("submit", "button", "file"):
            data.setdefault(name, []).append(field.get("value", ""))
    return data
