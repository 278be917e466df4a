"""HTML pages of notebooks that read right offline: math as MathML, tables drawn, no CDN script.

nbconvert's HTML leaves math as ``$...$`` for MathJax, which its templates load from a CDN, and
nbgrader's feedback template (``feedback/index.html.j2``) keeps only Bootstrap's CSS, so a
Markdown table has no borders and no padding: ``| $y$ | $\\hat y$ |`` reads ``$y$$\\hat y$``
without network access.

:class:`OfflineHTMLExporter` is nbconvert's ``HTMLExporter`` with

- math turned into MathML when the page is made (``latex2mathml``): ``<math>`` is part of HTML,
  every current browser draws it with no script, offline, and the page stays one file. (The other
  way, MathJax served locally, means copying MathJax's files beside every page and running a
  script to typeset; MathML needs neither.) An expression the converter cannot read is shown as
  its LaTeX source in ``<code>``, never dropped;
- the template ``dlcourse-offline`` (``autograder/templates/``), stacked on the exporter's own
  template (nbgrader's ``feedback`` by default): its ``mathjax.html.j2`` shadows nbconvert's, so
  the page loads no MathJax and gets the styles for MathML and Markdown tables instead.

:func:`latex_to_html` is the conversion alone.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from traitlets import default, validate

__all__ = ["OfflineHTMLExporter", "MathMLRenderer", "TEMPLATE", "TEMPLATES_DIR", "latex_to_html"]

#: the folder of our nbconvert templates, and the template that makes a page offline
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "dlcourse-offline"


def latex_to_html(latex: str, display: bool = False) -> str:
    """``latex`` (no ``$`` delimiters) as a MathML ``<math>`` element; its source in ``<code>``
    when the converter cannot read it."""
    from latex2mathml.converter import convert

    try:
        mathml = convert(latex.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises its own errors, and others, on what it cannot read
        tag = "pre" if display else "code"
        return f'<{tag} class="latex">{html.escape(latex)}</{tag}>'
    return mathml


_DELIMITERS = re.compile(r"^\s*(\$\$|\$|\\\[|\\\()(?P<body>.*?)(\$\$|\$|\\\]|\\\))\s*$", re.S)


def latex_output_to_html(text: str) -> str:
    """Math with its delimiters (``$$...$$``, ``\\[...\\]``, ``$...$``) as MathML."""
    match = _DELIMITERS.match(text)
    return latex_to_html(match["body"] if match else text, display=True)


class MathMLRenderer(IPythonRenderer):
    """nbconvert's Markdown renderer with MathML where it writes ``$...$`` for MathJax."""

    def block_math(self, body: str) -> str:
        return latex_to_html(body, display=True)

    def inline_math(self, body: str) -> str:
        return latex_to_html(body)

    def latex_environment(self, name: str, body: str) -> str:
        return latex_to_html(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

    def multiline_math(self, text: str) -> str:  # mistune 2 only: the text keeps its delimiters
        return latex_output_to_html(text)


class OfflineHTMLExporter(HTMLExporter):
    """``HTMLExporter`` whose pages need no network: see the module's docstring.

    Whatever ``template_name`` says (nbgrader's ``feedback`` for feedback pages), the template
    ``dlcourse-offline`` comes first in the chain, and ``TEMPLATES_DIR`` is always among
    ``extra_template_basedirs`` (nbgrader configures that list for its own templates).
    """

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        return [str(TEMPLATES_DIR), *super()._default_extra_template_basedirs()]

    @validate("extra_template_basedirs")
    def _with_our_templates(self, proposal):
        basedirs = list(proposal.value)
        return basedirs if str(TEMPLATES_DIR) in basedirs else [str(TEMPLATES_DIR), *basedirs]

    def get_template_names(self):
        names = super().get_template_names()
        return names if TEMPLATE in names else [TEMPLATE, *names]

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        renderer = MathMLRenderer(
            escape=False, attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links, **self.lexer_options)
        return MarkdownWithMath(renderer=renderer).render(source)
