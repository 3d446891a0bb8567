"""French typography: services/export/filters/french.lua (and french_words.lua), run by pypandoc-binary's pandoc.

Each case runs pandoc (its explicit binary, in a subprocess) with the filter on a small Markdown
input and compares the text of the result character by character: U+202F (narrow no-break space),
U+00A0 (no-break space) and the ordinary space are three different expectations. The text is read
from pandoc's JSON, so code, math and link targets are checked as the tree holds them.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES

NNBSP = "\u202f"  # narrow no-break space: before ; ! ? », after «
NBSP = "\u00a0"  # no-break space: before :
FILTER = REPO / "clientmilitant" / "services" / "export" / "filters" / "french.lua"


def bundled_pandoc() -> Path:
    """The pandoc binary inside the installed pypandoc package (pypandoc-binary), never the machine's."""
    spec = importlib.util.find_spec("pypandoc")
    assert spec and spec.origin, "pypandoc is not installed"
    binary = Path(spec.origin).parent / "files" / "pandoc"
    assert binary.is_file(), f"no bundled pandoc at {binary}"
    return binary


PANDOC = bundled_pandoc()


def pandoc(markdown: str, *args: str, filters: int = 1, to: str = "json") -> str:
    """pandoc's output for `markdown`, with the French filter applied `filters` times."""
    command = [str(PANDOC), "-f", "markdown", "-t", to, "--wrap=none", *args]
    command += ["--lua-filter", str(FILTER)] * filters
    process = subprocess.run(command, input=markdown, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert process.returncode == 0, process.stderr
    return process.stdout


def inline_text(inlines: list) -> str:
    """The characters of an inline list as the reader gets them: spaces as typed, code and math as is."""
    out = []
    for inline in inlines:
        tag, content = inline["t"], inline.get("c")
        if tag == "Str":
            out.append(content)
        elif tag == "Space":
            out.append(" ")
        elif tag == "SoftBreak":
            out.append("\n")
        elif tag == "LineBreak":
            out.append("<br>")
        elif tag in ("Code", "Math", "RawInline"):
            out.append(f"<{tag}:{content[1]}>")
        elif tag == "Link":
            out.append(f"<Link:{inline_text(content[1])}|{content[2][0]}>")
        elif tag == "Note":
            out.append("<Note>")
        elif tag == "Quoted":
            out.append(f"<{content[0]['t']}:{inline_text(content[1])}>")
        elif tag == "Superscript":
            out.append(f"<sup:{inline_text(content)}>")
        elif tag in ("Span", "Cite"):
            out.append(inline_text(content[1]))
        else:  # Emph, Strong, …
            out.append(inline_text(content))
    return "".join(out)


def block_texts(blocks: list) -> list[str]:
    """The text of each paragraph, plain block or heading, in order, notes' paragraphs after their own."""
    texts = []
    for block in blocks:
        tag, content = block["t"], block.get("c")
        if tag in ("Para", "Plain"):
            texts.append(inline_text(content))
            for inline in content:
                if inline["t"] == "Note":
                    texts.extend(block_texts(inline["c"]))
        elif tag == "Header":
            texts.append(inline_text(content[2]))
        elif tag == "Div":
            texts.extend(block_texts(content[1]))
        elif tag == "CodeBlock":
            texts.append(f"<CodeBlock:{content[1]}>")
        elif tag == "RawBlock":
            texts.append(f"<RawBlock:{content[1]}>")
    return texts


def typeset(markdown: str, filters: int = 1) -> str:
    """The first paragraph of `markdown` once the filter has run."""
    return block_texts(json.loads(pandoc(markdown, filters=filters))["blocks"])[0]


# (Markdown typed by the author, the text expected). Spaces in expectations are written out.
CASES = [
    # glued to the word, or after a typed space: the same result, never a breakable space
    ("Vraiment?", f"Vraiment{NNBSP}?"),
    ("Vraiment ?", f"Vraiment{NNBSP}?"),
    ("Attention!", f"Attention{NNBSP}!"),
    ("Attention !", f"Attention{NNBSP}!"),
    ("un point; un autre", f"un point{NNBSP}; un autre"),
    ("un point ; un autre", f"un point{NNBSP}; un autre"),
    ("Il dit: oui", f"Il dit{NBSP}: oui"),
    ("Il dit : oui", f"Il dit{NBSP}: oui"),
    ("«Bonjour»", f"«{NNBSP}Bonjour{NNBSP}»"),
    ("« Bonjour »", f"«{NNBSP}Bonjour{NNBSP}»"),
    ("a « b » c «d» e", f"a «{NNBSP}b{NNBSP}» c «{NNBSP}d{NNBSP}» e"),
    # a line break of the source before the mark is a space too: it must not break there
    ("Vraiment\n? dit-il", f"Vraiment{NNBSP}? dit-il"),
    # a no-break space already there is never doubled, and gets the right width
    (f"Vraiment{NNBSP}?", f"Vraiment{NNBSP}?"),
    (f"Il dit{NBSP}: oui", f"Il dit{NBSP}: oui"),
    (f"Vraiment{NBSP}?", f"Vraiment{NNBSP}?"),
    (f"Il dit{NNBSP}: oui", f"Il dit{NBSP}: oui"),
    (f"Vraiment {NBSP}?", f"Vraiment{NNBSP}?"),
    (f"Vraiment{NNBSP}{NNBSP}?", f"Vraiment{NNBSP}?"),
    (f"«{NBSP}Bonjour{NBSP}»", f"«{NNBSP}Bonjour{NNBSP}»"),
    (f"« {NBSP}Bonjour »", f"«{NNBSP}Bonjour{NNBSP}»"),
    # groups of marks: one space before the group, none inside
    ("Vraiment?!", f"Vraiment{NNBSP}?!"),
    ("Vraiment ?!", f"Vraiment{NNBSP}?!"),
    ("Vraiment ? !", f"Vraiment{NNBSP}?!"),
    ("Non!!", f"Non{NNBSP}!!"),
    ("Quoi?!?", f"Quoi{NNBSP}?!?"),
    # the ellipsis stays glued to its word; the ? after it takes its own space
    ("Vraiment...?", f"Vraiment…{NNBSP}?"),
    ("Vraiment... ?", f"Vraiment…{NNBSP}?"),
    # a » takes its space even after ? or !
    ("« Vraiment ? »", f"«{NNBSP}Vraiment{NNBSP}?{NNBSP}»"),
    # straight double quotes become « » with their narrow spaces
    ('le "client consommateur" et', f"le «{NNBSP}client consommateur{NNBSP}» et"),
    ('"Vraiment ?" dit-il', f"«{NNBSP}Vraiment{NNBSP}?{NNBSP}» dit-il"),
    ('il dit: "oui"', f"il dit{NBSP}: «{NNBSP}oui{NNBSP}»"),
    # second level: “ ” without spaces, whether nested in "…" or in « » typed by the author
    ("\"il dit 'oui' hier\"", f"«{NNBSP}il dit “oui” hier{NNBSP}»"),
    ('« il dit "oui" hier »', f"«{NNBSP}il dit “oui” hier{NNBSP}»"),
    # single quotes: “ ”; apostrophes stay ’ and are never taken for quotes
    ("le 'client' roi", "le “client” roi"),
    ("l'entreprise et aujourd'hui", "l’entreprise et aujourd’hui"),
    ("l’entreprise", "l’entreprise"),
    # marks seen through emphasis, links and footnotes
    ("*vraiment*?", f"vraiment{NNBSP}?"),
    ("*vraiment* ?", f"vraiment{NNBSP}?"),
    ("«*Bonjour*»", f"«{NNBSP}Bonjour{NNBSP}»"),
    ("**Note** : voir", f"Note{NBSP}: voir"),
    ("[le lien](http://x.org/a?b=c) : voir", f"<Link:le lien|http://x.org/a?b=c>{NBSP}: voir"),
    ("Vraiment?[^1]\n\n[^1]: Une note.", f"Vraiment{NNBSP}?<Note>"),
    ("Voir[^1] : ici\n\n[^1]: Une note.", f"Voir<Note>{NBSP}: ici"),
    ("`ls`: la commande", f"<Code:ls>{NBSP}: la commande"),
    # nothing before the mark: no space; an opening bracket or a hard line break: none either
    ("(?) et (!)", "(?) et (!)"),
    ("Quoi\\\n? dit-il", "Quoi<br>? dit-il"),
    # escaped characters (a literal straight quote, a backslash) are kept as typed
    ('Il dit \\"oui\\" ?', f'Il dit "oui"{NNBSP}?'),
    ("a \\\\ b : c", f"a \\ b{NBSP}: c"),
]

# The rest of the rules (filters/french_words.lua), from the Lexique des règles typographiques en
# usage à l'Imprimerie nationale. Superscripts are pandoc Superscript elements, shown <sup:…>.
CASES += [
    # no space before . , ) … nor after ( — typed ordinary or no-break (issue 15: « réunions . »)
    ("réunions . Puis", "réunions. Puis"),
    ("un mot , un autre", "un mot, un autre"),
    ("a , b , c", "a, b, c"),
    ("fin .", "fin."),
    ("( voir plus loin )", "(voir plus loin)"),
    ("la page ( 12 )", "la page (12)"),
    ("et puis …", "et puis…"),
    ("et puis ...", "et puis…"),
    (f"réunions{NBSP}.", "réunions."),
    (f"un mot{NNBSP}, un autre", "un mot, un autre"),
    ("le domaine .fr reste", "le domaine .fr reste"),
    ("il a dit .NET", "il a dit .NET"),
    # after ; : ! ? a quotation opens with an ordinary space (issue 15: « dit :«nous »)
    ('dit:"nous…"', f"dit{NBSP}: «{NNBSP}nous…{NNBSP}»"),
    ('dit :"nous"', f"dit{NBSP}: «{NNBSP}nous{NNBSP}»"),
    ("dit :«nous»", f"dit{NBSP}: «{NNBSP}nous{NNBSP}»"),
    ("dit:«nous»", f"dit{NBSP}: «{NNBSP}nous{NNBSP}»"),
    ('Question?"Oui"', f"Question{NNBSP}? «{NNBSP}Oui{NNBSP}»"),
    ("Attention!«Non»", f"Attention{NNBSP}! «{NNBSP}Non{NNBSP}»"),
    # ordinals and centuries in superscript (issue 15: 1er, XIXe were not)
    ("le 1er janvier", "le 1<sup:er> janvier"),
    ("la 1re fois", "la 1<sup:re> fois"),
    ("la 1ère fois", "la 1<sup:re> fois"),
    ("la 1ere fois", "la 1<sup:re> fois"),
    ("les 1ers clients", "les 1<sup:ers> clients"),
    ("les 1res places", "les 1<sup:res> places"),
    ("les 1ères places", "les 1<sup:res> places"),
    ("le 2e jour", "le 2<sup:e> jour"),
    ("le 2ème jour", "le 2<sup:e> jour"),
    ("le 2ième jour", "le 2<sup:e> jour"),
    ("le 2nd jour", "le 2<sup:nd> jour"),
    ("la 2nde fois", "la 2<sup:nde> fois"),
    ("le 2d acte", "le 2<sup:d> acte"),
    ("la 2de fois", "la 2<sup:de> fois"),
    ("les 3es places", "les 3<sup:es> places"),
    ("les 3èmes places", "les 3<sup:es> places"),
    ("le 21e siècle", "le 21<sup:e> siècle"),
    ("le 100e client", "le 100<sup:e> client"),
    ("au XIXe siècle", "au XIX<sup:e> siècle"),
    ("au XXème siècle", "au XX<sup:e> siècle"),
    ("au XXIe siècle, enfin", "au XXI<sup:e> siècle, enfin"),
    ("le IIe siècle", "le II<sup:e> siècle"),
    ("François Ier", "François I<sup:er>"),
    ("la Ve République", "la V<sup:e> République"),
    ("au (XIXe) siècle", "au (XIX<sup:e>) siècle"),
    ("le XIXe.", "le XIX<sup:e>."),
    ("au 3e, puis", "au 3<sup:e>, puis"),
    ("le *1er* prix", "le 1<sup:er> prix"),
    ("en 3D", "en 3D"),
    ("un 4x4 rouge", "un 4x4 rouge"),
    ("un MP3", "un MP3"),
    ("Ce jour-là", "Ce jour-là"),
    ("Xerox et Iéna", "Xerox et Iéna"),
    ("VIVE le roi", "VIVE le roi"),
    ("le 1e", "le 1e"),
    # numbers: groups of three with U+202F from five digits on (issue 15: 12000)
    ("12000 clients", f"12{NNBSP}000 clients"),
    ("100000 ventes", f"100{NNBSP}000 ventes"),
    ("1234567 habitants", f"1{NNBSP}234{NNBSP}567 habitants"),
    ("12 000 clients", f"12{NNBSP}000 clients"),
    ("1 234 567 habitants", f"1{NNBSP}234{NNBSP}567 habitants"),
    (f"12{NBSP}000 clients", f"12{NBSP}000 clients"),
    ("12000,50 euros", f"12{NNBSP}000,50 euros"),
    ("soit (12000) clients", f"soit (12{NNBSP}000) clients"),
    ("soit 12000.", f"soit 12{NNBSP}000."),
    ("en 2007", "en 2007"),
    ("en 2007 et 2008", "en 2007 et 2008"),
    ("1000 clients", "1000 clients"),
    ("75001 Paris", "75001 Paris"),
    ("0612345678", "0612345678"),
    ("3,14159", "3,14159"),
    ("le 12 mai", "le 12 mai"),
    # per cent and units with a no-break space, typed or not (issue 15: 3,5 % breakable)
    ("3,5 %", f"3,5{NBSP}%"),
    ("3,5%", f"3,5{NBSP}%"),
    (f"3,5{NNBSP}%", f"3,5{NBSP}%"),
    ("50 % des clients", f"50{NBSP}% des clients"),
    ("50% des clients", f"50{NBSP}% des clients"),
    ("2 ‰", f"2{NBSP}‰"),
    ("2‰", f"2{NBSP}‰"),
    ("10 € par mois", f"10{NBSP}€ par mois"),
    ("10€ par mois", f"10{NBSP}€ par mois"),
    ("100 $", f"100{NBSP}$"),
    ("20 km à pied", f"20{NBSP}km à pied"),
    ("5 kg", f"5{NBSP}kg"),
    ("5 m.", f"5{NBSP}m."),
    ("3 km, puis", f"3{NBSP}km, puis"),
    ("30 min", f"30{NBSP}min"),
    ("25 °C", f"25{NBSP}°C"),
    ("4 Go de mémoire", f"4{NBSP}Go de mémoire"),
    ("12000 km", f"12{NNBSP}000{NBSP}km"),
    ("12 a été", "12 a été"),
    ("3 l'ont vu", "3 l’ont vu"),
    ("3 ont dit", "3 ont dit"),
    # hours
    ("10 h 30", f"10{NBSP}h{NBSP}30"),
    ("à 8 h précises", f"à 8{NBSP}h précises"),
    ("de 9 h à 18 h.", f"de 9{NBSP}h à 18{NBSP}h."),
    # after p. and n°
    ("voir p. 12", f"voir p.{NBSP}12"),
    ("pp. 12-14", f"pp.{NBSP}12-14"),
    ("le n° 5", f"le n°{NBSP}5"),
    ("le n°5", f"le n°{NBSP}5"),
    ("le N° 5", f"le N°{NBSP}5"),
    # apostrophes and ellipses
    ("aujourd'hui", "aujourd’hui"),
    ("qu'il", "qu’il"),
    ("l'État", "l’État"),
    ("Et puis...", "Et puis…"),
    ("Et puis... rien", "Et puis… rien"),
    # never in code, math, raw HTML, URLs, e-mail addresses, nor another language
    ("`12000 ; 1er`", "<Code:12000 ; 1er>"),
    ("$12000 1er$", "<Math:12000 1er>"),
    ("<http://x.org/12000/1er>", "<Link:http://x.org/12000/1er|http://x.org/12000/1er>"),
    ("<jean.1er@x.org>", "<Link:jean.1er@x.org|mailto:jean.1er@x.org>"),
    ("<b>12000</b>", f"<RawInline:<b>>12{NNBSP}000<RawInline:</b>>"),
    ("[12000 the 1st , 3 %]{lang=en}", "12000 the 1st , 3 %"),
    ("[le 1er, 12000]{lang=fr-CA}", f"le 1<sup:er>, 12{NNBSP}000"),
    ("[les 12000 liens](http://x.org/12000)", f"<Link:les 12{NNBSP}000 liens|http://x.org/12000>"),
]

UNTOUCHED = [
    # times, ratios, addresses: a mark glued to what follows is not punctuation
    "à 14:22 précises",
    "un format 3:2 ou 16:9",
    "voir http://x.org/a?b=c;d=e et mailto:x@y.fr",
    "la page http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html",
    # emoticons stay as typed, the space before them included
    "ceux qui passent par ici ;-)",
    "ici :-) et ;) et :) et :D",
    # a glued colon between words (a typo or a label) is left to the author
    "dit:bonjour",
    # typed curly quotes are the author's own choice
    "le “client” roi",
]


def test_the_table_has_at_least_150_cases() -> None:
    assert len(CASES) + len(UNTOUCHED) >= 150


@pytest.mark.parametrize(("markdown", "expected"), CASES, ids=[case[0] for case in CASES])
def test_french_spaces_and_quotes(markdown: str, expected: str) -> None:
    assert typeset(markdown) == expected


@pytest.mark.parametrize("markdown", UNTOUCHED)
def test_left_as_typed(markdown: str) -> None:
    assert typeset(markdown) == typeset_without_filter(markdown)
    assert NNBSP not in typeset(markdown) and NBSP not in typeset(markdown)


def typeset_without_filter(markdown: str) -> str:
    return block_texts(json.loads(pandoc(markdown, filters=0))["blocks"])[0]


def test_code_math_raw_and_autolinks_are_untouched() -> None:
    markdown = (
        "La commande `a ; b : c ?` ; le calcul $x:y ? z$ ; du HTML <b>a : b</b> ; "
        "l'adresse <http://x.org/a?b=c> ; le courriel <jean@x.org> !\n\n"
        "```\ncode : ici ? « non »\n```\n\n"
        "```{=html}\n<p>brut : ici ?</p>\n```\n"
    )
    texts = block_texts(json.loads(pandoc(markdown))["blocks"])
    assert texts[0] == (
        f"La commande <Code:a ; b : c ?>{NNBSP}; le calcul <Math:x:y ? z>{NNBSP}; "
        f"du HTML <RawInline:<b>>a{NBSP}: b<RawInline:</b>>{NNBSP}; "
        f"l’adresse <Link:http://x.org/a?b=c|http://x.org/a?b=c>{NNBSP}; "
        f"le courriel <Link:jean@x.org|mailto:jean@x.org>{NNBSP}!"
    )
    assert texts[1] == "<CodeBlock:code : ici ? « non »>"
    assert texts[2] == "<RawBlock:<p>brut : ici ?</p>>"


def test_link_targets_and_attributes_keep_their_characters() -> None:
    markdown = '[voir : ici](http://x.org/a?b=c "titre : ici ?"){#id data-x="a : b ?"}\n'
    link = json.loads(pandoc(markdown))["blocks"][0]["c"][0]
    assert link["t"] == "Link"
    assert link["c"][0] == ["id", [], [["data-x", "a : b ?"]]]
    assert link["c"][2] == ["http://x.org/a?b=c", "titre : ici ?"]
    assert inline_text(link["c"][1]) == f"voir{NBSP}: ici"


def test_text_in_another_language_is_left_alone() -> None:
    markdown = (
        'Il a dit [Really? Yes: "no"]{lang=en} : fin.\n\n'
        "::: {lang=en-GB}\nHello: world!\n:::\n\n"
        "::: {lang=fr-CA}\nBonjour: monde!\n:::\n"
    )
    texts = block_texts(json.loads(pandoc(markdown))["blocks"])
    assert texts == [
        f"Il a dit Really? Yes: <DoubleQuote:no>{NBSP}: fin.",
        "Hello: world!",
        f"Bonjour{NBSP}: monde{NNBSP}!",
    ]


def test_footnote_text_is_typeset() -> None:
    markdown = 'Texte[^n].\n\n[^n]: Une note : "vraiment" ?\n'
    texts = block_texts(json.loads(pandoc(markdown))["blocks"])
    assert texts == ["Texte<Note>.", f"Une note{NBSP}: «{NNBSP}vraiment{NNBSP}»{NNBSP}?"]


def test_headings_lists_and_tables_are_typeset() -> None:
    markdown = "# Le plan : partie 1\n\n- un point ?\n- « deux »\n\n| a : b |\n|---|\n| c ? |\n"
    document = json.loads(pandoc(markdown))
    blocks = document["blocks"]
    assert inline_text(blocks[0]["c"][2]) == f"Le plan{NBSP}: partie 1"
    assert [block_texts(item)[0] for item in blocks[1]["c"]] == [f"un point{NNBSP}?", f"«{NNBSP}deux{NNBSP}»"]
    html = pandoc(markdown, to="html")
    assert f"<th>a{NBSP}: b</th>" in html
    assert f"<td>c{NNBSP}?</td>" in html


def test_prose_metadata_is_typeset_identifiers_are_not() -> None:
    markdown = (
        '---\ntitle: "Le client militant : le plan"\nsubtitle: "Pourquoi ?"\n'
        'identifier: "urn:uuid:1234 ; x"\ndate: "2007-12-31"\n---\n\nTexte.\n'
    )
    meta = json.loads(pandoc(markdown))["meta"]
    assert inline_text(meta["title"]["c"]) == f"Le client militant{NBSP}: le plan"
    assert inline_text(meta["subtitle"]["c"]) == f"Pourquoi{NNBSP}?"
    assert inline_text(meta["identifier"]["c"]) == "urn:uuid:1234 ; x"


def test_a_book_in_another_language_is_left_alone() -> None:
    markdown = '---\nlang: en-US\n---\n\nReally? Yes: "no".\n'
    assert typeset(markdown) == "Really? Yes: <DoubleQuote:no>."


@pytest.mark.parametrize("markdown", [case[0] for case in CASES] + UNTOUCHED, ids=lambda m: m[:30])
def test_running_twice_changes_nothing_more(markdown: str) -> None:
    once = pandoc(markdown, filters=1)
    assert pandoc(markdown, filters=2) == once
    # also when pandoc reads back the Markdown it wrote; `-t markdown-smart` keeps “ ” ’ as characters
    # (plain `-t markdown` writes them back as straight quotes, which would be read again as « »)
    # (pandoc's own limit: `-smart` writes an escaped straight quote, typed \", back unescaped)
    if '\\"' not in markdown:
        written = pandoc(markdown, filters=1, to="markdown-smart")
        assert typeset(written) == typeset(markdown)


def normalized(text: str) -> str:
    """The text without any space, with every quotation mark alike and ordinals as the Imprimerie
    nationale spells them (2ème → 2e, superscript or not): what the filter may not change."""
    text = re.sub(r"[\s\u00a0\u202f^]", "", text)
    text = re.sub(r"(?<=[\dIVX])\((e|es|er|re|ers|res|nde?s?|de?s?)\)", r"\1", text)  # plain's superscript
    text = re.sub(r"(?<=[\dIVX])(?:i?ème|eme)", "e", text)
    text = re.sub(r"(?<=1)è?re", "re", text)
    return text.translate(str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"'}))


def test_the_authors_blog_posts() -> None:
    """A few of the author's own lines (December 2007), as HTML: the right characters at the right places."""
    posts = (SAMPLES / "blog-jbp-2007-12.txt").read_text(encoding="utf-8")
    lines = posts.splitlines()
    title = next(line for line in lines if line.startswith("Le client militant : le plan"))
    evolution = next(line for line in lines if line.startswith("Quelle est cette évolution ?"))
    pschitt = next(line for line in lines if "Pschitt marketing" in line).strip()
    address = next(line for line in lines if line.startswith("L'actuel nouveau site"))
    smiley = next(line for line in lines if line.endswith("passent par ici ;-)"))
    markdown = "\n\n".join([f"# {title}", evolution, pschitt, address, smiley]) + "\n"
    html = pandoc(markdown, to="html")

    assert f">Le client militant{NBSP}: le plan</h1>" in html
    assert f"Quelle est cette évolution{NNBSP}? Que le client" in html
    assert f"époques du «{NNBSP}client consommateur{NNBSP}», pour" in html
    # here the author's word processor left a no-break space and a space before the quote: both stay
    assert f"celle du{NBSP} «{NNBSP}client consomacteur{NNBSP}»." in html
    assert f"l’ère du «{NNBSP}client militant{NNBSP}»." in html
    assert f"Le «{NNBSP}Pschitt marketing{NNBSP}» (en lien avec le militantisme «{NNBSP}post-it{NNBSP}»)" in html
    assert f"L’actuel nouveau site est accessible à l’adresse{NBSP}:" in html
    assert "passent par ici ;-)" in html
    assert '"' not in re.sub(r"<[^>]*>", "", html)  # no straight double quote left in the text


def test_the_filter_changes_only_spaces_and_quotes() -> None:
    """On all the author's sample text: the words and marks are the same, only spaces and quotes move
    (and ordinals are spelled `XXe`, not `XXème`)."""
    markdown = "\n\n".join(
        (SAMPLES / name).read_text(encoding="utf-8") for name in ("blog-jbp-2007-12.txt", "plan-post-with-comments.txt")
    )
    before = pandoc(markdown, filters=0, to="plain")
    after = pandoc(markdown, filters=1, to="plain")
    assert normalized(after) == normalized(before)
    assert after.count(NNBSP) > 20 and after.count(NBSP) > 20
    assert " ?" not in after and " :" not in after.replace(" :-)", "")
    assert "http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html" in after


def test_cm_export_html_sets_french_spaces(cm, small_book: Path) -> None:
    """Through `cm export html` on the small fixture book (lang fr-FR); --no-french-typography leaves them."""
    chapter = small_book / "chapters" / "web20.md"
    added = '\nIl parle du "client militant" à 14:22, voir <http://x.org/a?b=c> ;-)\n'
    chapter.write_text(chapter.read_text(encoding="utf-8") + added, encoding="utf-8")
    cm("export", "html", "-o", "build/livre.html").ok()
    html = (small_book / "build" / "livre.html").read_text(encoding="utf-8")
    assert f"tout change{NBSP}: la masse" in html
    assert f"Le client dit{NBSP}: «{NNBSP}Vraiment{NNBSP}?{NNBSP}»" in html
    assert f"devient discussion{NBSP}: il s’exprime" in html
    assert f"du «{NNBSP}client militant{NNBSP}» à 14:22, voir" in html
    # the address may break after its `/` (U+200B), never right after http://
    assert '<a href="http://x.org/a?b=c" class="uri">http://x.org/\u200ba?b=c</a> ;-)' in html

    cm("export", "html", "--no-french-typography", "-o", "build/brut.html").ok()
    plain = (small_book / "build" / "brut.html").read_text(encoding="utf-8")
    assert "Le client dit : « Vraiment ? »" in plain
    assert NNBSP not in plain


def test_no_french_typography_leaves_quotes_apostrophes_and_numbers_as_typed(cm, small_book: Path) -> None:
    """Its help says « leave spaces and quotes as typed »: quotes were still curled (into English “ ”)."""
    chapter = small_book / "chapters" / "web20.md"
    added = '\nIl parle du "client militant" et de l\'entreprise... au XIXe siècle, 12000 fois, 3,5 %.\n'
    chapter.write_text(chapter.read_text(encoding="utf-8") + added, encoding="utf-8")
    cm("export", "html", "--no-french-typography", "-o", "build/brut.html").ok()
    html = (small_book / "build" / "brut.html").read_text(encoding="utf-8")
    text = " ".join(html.split())
    assert (
        "Il parle du &quot;client militant&quot; et de l&#39;entreprise... au XIXe siècle, 12000 fois, 3,5 %." in text
    )
    cm("export", "html", "-o", "build/livre.html").ok()
    html = re.sub(r"[ \n]+", " ", (small_book / "build" / "livre.html").read_text(encoding="utf-8"))
    assert (
        f"Il parle du «{NNBSP}client militant{NNBSP}» et de l’entreprise… au XIX<sup>e</sup> siècle, "
        f"12{NNBSP}000 fois, 3,5{NBSP}%." in html
    )


def test_an_english_book_gets_english_rules(cm, small_book: Path) -> None:
    """The book's lang decides: English quotes “ ”, no French spaces, no French superscripts."""
    cm("book", "set", "lang", "en-GB").ok()
    chapter = small_book / "chapters" / "web20.md"
    chapter.write_text('He said: "really?" It\'s the 1st time, 12000 times.\n', encoding="utf-8")
    cm("export", "html", "-o", "build/book.html").ok()
    html = (small_book / "build" / "book.html").read_text(encoding="utf-8")
    assert "He said: “really?” It’s the 1st time, 12000 times." in html
    assert NNBSP not in html and NBSP not in html


def test_bare_urls_become_links_that_break_after_their_slashes(cm, small_book: Path) -> None:
    """A bare URL was plain text, unbreakable: a justified line opened rivers around it."""
    chapter = small_book / "chapters" / "web20.md"
    chapter.write_text("Voir http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html pour la suite.\n", encoding="utf-8")
    cm("export", "html", "-o", "build/livre.html").ok()
    html = (small_book / "build" / "livre.html").read_text(encoding="utf-8")
    shown = "http://jbp.typepad.com/\u200bjb/\u200b2007/\u200b11/\u200blabsence-de-fro.html"
    assert f'<a href="http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html" class="uri">{shown}</a>' in html
