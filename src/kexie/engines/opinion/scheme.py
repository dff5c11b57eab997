"""Keyword schemes (监测方案): region words + subject words + event words − exclusion words, or an
expression with AND / OR / NOT and parentheses.

The form: an item matches when it contains at least one subject word, at least one region word
(if any are given), at least one event word (if any are given), and no exclusion word. An
expression, when given, must hold too: `(济宁 OR 兖州) AND 科协 AND NOT 广告`; words side by side
without an operator are joined by AND; a phrase with spaces is quoted ("科技 活动").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|([^\s()"]+))')
_OPERATORS = {"AND": "AND", "OR": "OR", "NOT": "NOT", "&": "AND", "|": "OR", "!": "NOT"}


class SchemeError(ValueError):
    """A scheme that cannot be read; the message (Chinese) says where."""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _tokens(expression: str) -> list[tuple[str, str]]:
    out, pos, text = [], 0, expression.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise SchemeError(f"表达式第 {pos + 1} 个字符处无法识别(引号是否成对?)")
        pos = match.end()
        if match[1]:
            out.append(("(", "("))
        elif match[2]:
            out.append((")", ")"))
        elif match[3] is not None:
            out.append(("WORD", match[3]))
        else:
            word = match[4]
            out.append((_OPERATORS[word.upper()], word) if word.upper() in _OPERATORS else ("WORD", word))
    return out


class _Parser:
    """expr := and ('OR' and)* ; and := unary (['AND'] unary)* ; unary := 'NOT' unary | '(' expr ')' | WORD"""

    def __init__(self, tokens):
        self.tokens, self.i = tokens, 0

    def peek(self):
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expr(self):
        node = self.conjunction()
        while self.peek() == "OR":
            self.take()
            node = ("OR", node, self.conjunction())
        return node

    def conjunction(self):
        node = self.unary()
        while self.peek() in ("AND", "NOT", "WORD", "("):
            if self.peek() == "AND":
                self.take()
            node = ("AND", node, self.unary())
        return node

    def unary(self):
        kind = self.peek()
        if kind is None:
            raise SchemeError("表达式不完整:运算符后缺少关键词")
        kind, text = self.take()
        if kind == "NOT":
            return ("NOT", self.unary())
        if kind == "(":
            node = self.expr()
            if self.peek() != ")":
                raise SchemeError("表达式括号不成对:缺少“)”")
            self.take()
            return node
        if kind == "WORD":
            if not text.strip():
                raise SchemeError("表达式中有空的引号")
            return ("WORD", _fold(text))
        raise SchemeError(f"表达式中“{text}”的位置不对")


def parse_expression(expression: str):
    """The syntax tree of an expression, or None for an empty one."""
    tokens = _tokens(expression or "")
    if not tokens:
        return None
    parser = _Parser(tokens)
    tree = parser.expr()
    if parser.i != len(tokens):
        raise SchemeError(f"表达式中“{tokens[parser.i][1]}”的位置不对(括号是否成对?)")
    return tree


def _evaluate(tree, text: str, hits: set[str]) -> bool:
    kind = tree[0]
    if kind == "WORD":
        found = tree[1] in text
        if found:
            hits.add(tree[1])
        return found
    if kind == "NOT":
        return not _evaluate(tree[1], text, set())
    left = _evaluate(tree[1], text, hits)
    if kind == "AND":
        return left and _evaluate(tree[2], text, hits)
    return _evaluate(tree[2], text, hits) or left


def _words(words) -> tuple[str, ...]:
    if isinstance(words, str):
        words = re.split(r"[\s,，、;；]+", words)
    return tuple(dict.fromkeys(_fold(w).strip() for w in words if w and w.strip()))


@dataclass(frozen=True)
class Scheme:
    region: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    event: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    expression: str = ""
    _tree: object = field(default=None, compare=False, repr=False)

    @classmethod
    def build(cls, *, region="", subject="", event="", exclude="", expression="") -> Scheme:
        """A scheme from words (a string split at spaces, commas, 、 or ;, or a list); raises SchemeError."""
        tree = parse_expression(expression)
        scheme = cls(_words(region), _words(subject), _words(event), _words(exclude), expression or "", tree)
        if not scheme.subject and tree is None:
            raise SchemeError("方案至少需要一个主体词或一个表达式")
        return scheme

    def match(self, text: str) -> tuple[str, ...] | None:
        """The words that made the text match, or None when it does not."""
        folded = _fold(text)
        if any(w in folded for w in self.exclude):
            return None
        hits: set[str] = set()
        for group in (self.region, self.subject, self.event):
            if not group:
                continue
            found = [w for w in group if w in folded]
            if not found:
                return None
            hits.update(found)
        if self._tree is not None and not _evaluate(self._tree, folded, hits):
            return None
        return tuple(sorted(hits))
