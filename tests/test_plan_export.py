"""`cm outline export`: the plan published as a blog post, in Markdown (the shape of the post of
31 December 2007) or as an HTML fragment; checked against the post itself and by parsing."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from conftest import SAMPLES, Cm, copy_book, snapshot

PLAN_URLS = [
    "http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html",
    "http://jbp.typepad.com/jb/2007/10/radio-head---le.html",
    "http://jbp.typepad.com/jb/2007/12/le-modle-radio.html",
    "http://jbp.typepad.com/jb/2007/09/tre-et-paratre.html",
]
_HEADING = re.compile(r"^(\d+(?:\.\d+)*) - (.*)$")
_POST_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?\s*-?\s*(.*)$")
_URL = re.compile(r"https?://\S+?(?=[)\s]|$)")


def plan_post_lines() -> list[str]:
    """The plan post of 31 December 2007, from its first part heading to its last line (« Nota… »)."""
    lines = (SAMPLES / "blog-jbp-2007-12.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("1 - Le client est un"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Nota sur la racine de militant"))
    return lines[start : end + 1]


def post_texts() -> tuple[list[str], dict[str, str], list[str]]:
    """Every heading and point of the post in order (markers, URLs and blank lines taken out),
    the number of each numbered heading by its title, and the URLs in order.

    The committed plan makes two documented changes, applied here: « consonmmateur » is spelt
    « consommateur », and the Symbol-font arrow U+F0E0 is written →."""
    texts, numbers, urls = [], {}, []
    for raw in plan_post_lines():
        line = raw.replace("\uf0e0", "→").strip()
        urls += _URL.findall(line)
        line = re.sub(r"\s*\((?:cf\.\s*)?https?://[^)]*\)", "", line)
        if not line or _URL.fullmatch(line):
            continue
        number = None
        if match := _POST_NUMBER.match(line):
            number, line = match.group(1), match.group(2)
        elif line.startswith("->"):
            line = line[2:]
        elif line.startswith("-"):
            line = line[1:]
        line = line.strip().removesuffix(" :").replace("consonmmateur", "consommateur")
        texts.append(line)
        if number:
            numbers[line] = number
    return texts, numbers, urls


def export_texts(markdown: str) -> tuple[list[str], dict[str, str], dict[str, list[str]]]:
    """The same from the exported Markdown: texts in order, numbers by heading title, URLs by section."""
    texts, numbers, urls = [], {}, {}
    current = ""
    for line in markdown.splitlines():
        line = line.removesuffix("  ")  # the hard line break
        if not line:
            continue
        unescaped = re.sub(r"\\(.)", r"\1", line)
        if match := _HEADING.match(unescaped):
            current = match.group(1)
            numbers[match.group(2)] = current
            texts.append(match.group(2))
        elif unescaped.startswith("-> "):
            texts.append(unescaped[3:])
        elif link := re.fullmatch(r"<(https?://\S+)>|\[[^\]]*\]\((https?://\S+)\)", line):
            urls.setdefault(current, []).append(link.group(1) or link.group(2))  # registry title or not
        else:
            raise AssertionError(f"a line of the export is neither a heading, a point nor a link: {line!r}")
    return texts, numbers, urls


def test_markdown_reproduces_every_heading_and_point_of_the_plan_post_in_order(committed_book):
    out = Cm(committed_book)("outline", "export").ok().stdout
    expected, post_numbers, post_urls = post_texts()
    texts, numbers, urls = export_texts(out)
    assert len(expected) == 48  # 16 headings and 32 points: the parser above read the whole post
    assert texts == expected
    # the post's own numbers (`1.1 -`, `2.`) are kept; its unnumbered sections are numbered on
    for title, number in post_numbers.items():
        assert numbers[title] == number, title
    assert numbers["évolution de la notion de militantisme"] == "3.1"
    assert numbers["Pour les entreprises"] == "3.7"
    # every cited post is a link, under the section that cites it, in the post's order
    assert post_urls == PLAN_URLS
    assert urls == {"2.2": PLAN_URLS[:1], "3.5": PLAN_URLS[1:3], "3.7": PLAN_URLS[3:]}
    assert "\u00a0" not in out and "\uf0e0" not in out


def test_markdown_shape_one_block_per_section_one_line_per_point(committed_book):
    out = Cm(committed_book)("outline", "export", "--format", "markdown").ok().stdout
    blocks = out.strip("\n").split("\n\n")
    assert blocks[0] == "1 - Le client est un consommateur"
    assert blocks[1] == (
        "1.1 - Marché de masses, communication de masses  \n"
        "-> bref intro sur la notion de commerce  \n"
        "-> développement au XXème siècle"
    )
    # a cited post: `<url>`, or `[title](url)` once the registry knows its title
    assert re.fullmatch(
        r"2\.2 - La valeur du frottement  \n(<|\[[^\]]+\]\()http://jbp\.typepad\.com/jb/2007/11/labsence-de-fro\.html[>)]",
        blocks[6],
    )
    assert len(blocks) == 16  # 3 parts and 13 sections


def test_markdown_renders_with_one_line_per_point_and_no_list(committed_book):
    """The Markdown is real Markdown: pandoc keeps each `->` line on its own line, and `1.1 -`
    headings never become a numbered list."""
    import pypandoc

    out = Cm(committed_book)("outline", "export").ok().stdout
    rendered = pypandoc.convert_text(out, "html", format="markdown")
    assert "<ol" not in rendered and "<li" not in rendered
    assert (
        "1.1 - Marché de masses, communication de masses<br />\n-&gt; bref intro sur la notion de commerce<br />"
        in rendered
    )
    assert '<a href="http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html"' in rendered


def test_depth_and_no_points(committed_book):
    cm = Cm(committed_book)
    out = cm("outline", "export", "--depth", "1").ok().stdout
    assert out.splitlines()[0] == "1 - Le client est un consommateur"
    assert "1.1 -" not in out and "-> Le modèle n’est pas nouveau" in out  # part 3 keeps its own points
    out = cm("outline", "export", "--no-points", "--depth", "2").ok().stdout
    assert "->" not in out and "3.7 - Pour les entreprises" in out
    assert "<http://jbp.typepad.com/jb/2007/09/tre-et-paratre.html>" in out  # links are not points
    out = cm("outline", "export", "-f", "html", "--depth", "1", "--no-points").ok().stdout
    assert out.count("<li>") == 3 and "1.1" not in out


def test_intro_goes_above_the_plan(committed_book, tmp_path):
    intro = tmp_path / "intro.md"
    intro.write_text(
        "Comme promis, voici le *fil conducteur* : les commentaires sont à votre disposition.\n\n"
        'Un "second" paragraphe <script>alert(1)</script> & fin.\n',
        encoding="utf-8",
    )
    cm = Cm(committed_book)
    out = cm("outline", "export", "--intro", str(intro)).ok().stdout
    assert out.startswith("Comme promis, voici le *fil conducteur* : les commentaires")
    assert "fin.\n\n1 - Le client est un consommateur\n" in out
    html = cm("outline", "export", "--format", "html", "--intro", str(intro)).ok().stdout
    root = ElementTree.fromstring(f"<root>{html}</root>")
    first, second = root.findall("p")
    assert first.find("em").text == "fil conducteur"
    assert "".join(second.itertext()) == 'Un "second" paragraphe <script>alert(1)</script> & fin.'  # quotes as typed
    assert root.find(".//script") is None and "&lt;script&gt;" in html
    assert html.index("fin.</p>") < html.index('<ul class="cm-plan">')


def test_html_fragment_of_the_committed_plan_is_well_formed(committed_book):
    html = Cm(committed_book)("outline", "export", "--format", "html").ok().stdout
    assert not re.search(r"<(html|body|head|!DOCTYPE)", html, re.I)
    root = ElementTree.fromstring(f"<root>{html}</root>")
    plan = root.find("ul")
    assert plan.get("class") == "cm-plan"
    parts = plan.findall("li")
    assert [part.find("strong").text for part in parts] == [
        "1 - Le client est un consommateur",
        "2 - Le client devient consomacteur",
        "3 - Le client devient militant",
    ]
    first_section = parts[0].find("ul/li")
    assert first_section.find("strong").text == "1.1 - Marché de masses, communication de masses"
    assert [li.text for li in first_section.findall("ul/li")] == [
        "bref intro sur la notion de commerce",
        "développement au XXème siècle",
    ]
    links = [a.get("href") for a in root.iter("a")]
    assert links == PLAN_URLS
    points = [li.text for li in root.iter("li") if li.find("strong") is None and li.find("a") is None]
    assert len(points) == 32 and "Wikimedia → appel aux dons" in points


def test_html_escapes_angle_brackets_ampersands_and_quotes(tmp_path):
    folder = copy_book("plan-export-book", tmp_path)
    html = Cm(folder)("outline", "export", "-f", "html").ok().stdout
    root = ElementTree.fromstring(f"<root>{html}</root>")  # fails on any unescaped < or &
    part = root.find("ul/li")
    assert part.find("strong").text == "1 - Le « client » & <b>roi</b>"
    assert part.find(".//b") is None
    points = [li.text for li in part.find("ul").findall("li") if li.text]
    assert points == ["a < b & c > d", 'l’entreprise dit "oui" et l\'autre *non* _vraiment_ [pas]']
    link = part.find("ul/li/a")
    assert link.get("href") == 'http://example.com/billet?a=1&b="deux"&c=<3>'
    assert link.text == "Le billet « & » de 'JBP'"
    assert 'href="http://example.com/billet?a=1&amp;b=&quot;deux&quot;&amp;c=&lt;3&gt;"' in html
    assert "Le « client » &amp; &lt;b&gt;roi&lt;/b&gt;" in html
    # a `javascript:` address is shown, never made a link
    assert [a.get("href") for a in root.iter("a")] == [link.get("href")]
    assert "<li>Un lien piégé</li>" in html
    # three levels of nesting, numbered as `cm outline show` numbers them
    assert root.find("ul/li/ul/li/ul/li/strong").text == "1.1.1 - Un niveau de plus"


def test_markdown_escapes_what_would_become_markup(tmp_path):
    import pypandoc

    folder = copy_book("plan-export-book", tmp_path)
    out = Cm(folder)("outline", "export").ok().stdout
    assert "1 - Le « client » & \\<b>roi\\</b>" in out
    assert '-> l’entreprise dit "oui" et l\'autre \\*non\\* \\_vraiment\\_ \\[pas\\]' in out
    assert "[Le billet « & » de 'JBP'](http://example.com/billet?a=1&b=%22deux%22&c=%3C3%3E)" in out
    assert "Un lien piégé" in out and "javascript:" not in out
    assert "\n-> une sous-partie sur deux lignes  \n" in out  # a point holding a line break stays one line
    text = pypandoc.convert_text(out, "plain", format="markdown", extra_args=["--wrap=none"])
    assert "Le « client » & <b>roi</b>" in text and "*non* _vraiment_ [pas]" in text


def test_output_file_is_written_whole_and_stdout_stays_clean(committed_book):
    cm = Cm(committed_book)
    expected = cm("outline", "export", "-f", "html").ok().stdout
    result = cm("outline", "export", "-f", "html", "-o", "plan.html").ok()
    assert (committed_book / "plan.html").read_text(encoding="utf-8") == expected
    assert "plan.html" in result.stdout and "<ul" not in result.stdout
    before = snapshot(committed_book)
    result = cm("outline", "export", "-o", ".")
    assert result.code == 2 and "is a folder" in result.stderr
    result = cm("outline", "export", "-o", "outline.yaml")
    assert result.code == 2 and "outline.yaml is the book's own file" in result.stderr
    result = cm("outline", "export", "--intro", "missing.md", "-o", "out.md")
    assert result.code == 2 and result.stderr == "cm: missing.md: no such file\n"
    result = cm("outline", "export", "--format", "pdf")
    assert result.code == 2
    assert snapshot(committed_book) == before


def test_intro_that_is_not_utf8_is_refused(committed_book):
    (committed_book / "intro.txt").write_bytes("Première ligne\nDeuxième ligne é\n".encode("latin-1"))
    result = Cm(committed_book)("outline", "export", "--intro", "intro.txt")
    assert result.code == 2 and result.stderr.startswith("cm: intro.txt:1: not UTF-8")
