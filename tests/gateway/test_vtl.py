"""Mapping templates rendered as API Gateway renders them: `$input.json` is JSON text,
`$input.path` an object printed as Java prints it, `$util` as documented, null as
nothing."""
from __future__ import annotations

import pytest

from fogbank.gateway import vtl

BODY = ('{"name": "Ann", "age": 7, "ok": true, "none": null, "ratio": 1.5, '
        '"tags": [{"t": "a"}, {"t": "b"}], "owner": {"id": 3, "who": {"x": "y"}}}')
PARAMS = {"path": {"id": "42"}, "querystring": {"q": "find", "id": "from-query"},
          "header": {"X-Trace": "t1"}}


def render(template: str, body: str = BODY, context: dict | None = None,
           variables: dict | None = None) -> str:
    return vtl.render(template, body, PARAMS, vtl.java_value(context or {}),
                      variables or {})


@pytest.mark.parametrize("template, out", [
    ("$input.json('$')", '{"name":"Ann","age":7,"ok":true,"none":null,"ratio":1.5,'
                         '"tags":[{"t":"a"},{"t":"b"}],"owner":{"id":3,"who":{"x":"y"}}}'),
    ("$input.json('$.name')", '"Ann"'),                  # JSON text: quoted
    ("$input.json('$.age')", "7"),
    ("$input.json('$.tags[1]')", '{"t":"b"}'),
    ("$input.json(\"$['owner']['id']\")", "3"),
    ("$input.json('$.tags[*].t')", '["a","b"]'),         # indefinite: a list
    ("$input.json('$..x')", '["y"]'),
    ("$input.json('$.missing')", "null"),
    ("$input.path('$.name')", "Ann"),                    # an object: a bare string
    ("$input.path('$.ok')", "true"),
    ("$input.path('$.ratio')", "1.5"),
    ("$input.path('$.owner')", "{id=3, who={x=y}}"),     # a Java map
    ("$input.path('$.tags')", '[{"t":"a"},{"t":"b"}]'),  # a JSON array
    ("[$input.path('$.none')][$input.path('$.missing')]", "[][]"),
    ("$input.path('$.tags').size() $input.path('$.owner').get('id') "
     "$input.path('$.owner').who.x", "2 3 y"),
    ("$input.body", BODY),
])
def test_input(template: str, out: str) -> None:
    assert render(template) == out


def test_params_search_path_then_query_then_header() -> None:
    assert render("$input.params('id') $input.params('q') $input.params('X-Trace') "
                  "[$input.params('nope')]") == "42 find t1 []"
    assert render("#foreach($kind in $input.params().keySet())$kind"
                  "#if($foreach.hasNext),#end#end") == "path,querystring,header"
    assert render("$input.params().querystring") == "{q=find, id=from-query}"
    assert render("$input.params().header.get('X-Trace') $input.params('x-trace')") == "t1 t1"
    assert render("$input.path('$.owner').keySet()") == "[id, who]"


def test_directives() -> None:
    template = ('#set($tags = $input.path("$.tags"))'
                '{#foreach($tag in $tags)"$tag.t"#if($foreach.hasNext),#end#end}'
                '#if($input.path("$.ok")) yes#else no#end'
                '#if(!$input.path("$.none")) none#end'
                '#if($input.path("$.age") > 5) old#end')
    assert render(template) == '{"a","b"} yes none old'


def test_context_and_stage_variables() -> None:
    context = {"requestId": "r-1", "identity": {"sourceIp": "198.51.100.1"},
               "authorizer": {"principalId": "me"}}
    out = render("$context.requestId $context.identity.sourceIp "
                 "$context.authorizer.principalId [$context.nothing] $stageVariables.env",
                 context=context, variables={"env": "dev"})
    assert out == "r-1 198.51.100.1 me [] dev"


def test_a_template_may_set_context_overrides() -> None:
    context = vtl.java_value({"responseOverride": {"header": {}}})
    vtl.render("#set($context.responseOverride.status = 418)"
               "#set($context.responseOverride.header.Tea = 'pot')", "{}", PARAMS,
               context, {})
    assert context["responseOverride"]["status"] == 418
    assert context["responseOverride"]["header"]["Tea"] == "pot"


@pytest.mark.parametrize("text, out", [
    ("it's \"q\" \\ /", "it\\'s \\\"q\\\" \\\\ \\/"),
    ("a\nb\tc\r\x01", "a\\nb\\tc\\r\\u0001"),
    ("é€", "\\u00E9\\u20AC"),
    ("😀", "\\uD83D\\uDE00"),
])
def test_escape_javascript(text: str, out: str) -> None:
    assert vtl.escape_javascript(text) == out


def test_util() -> None:
    assert render("$util.urlEncode('a b&c=d/é*~')") == "a+b%26c%3Dd%2F%C3%A9*%7E"
    assert render("$util.urlDecode('a+b%26c')") == "a b&c"
    assert render("$util.base64Encode('héllo')") == "aMOpbGxv"
    assert render("$util.base64Decode('aMOpbGxv')") == "héllo"
    assert render("$util.parseJson('{\"k\": [1, 2], \"m\": {\"a\": true}}').m.a") == "true"
    assert render("$util.escapeJavaScript($input.path('$.name'))") == "Ann"


def test_java_string_methods() -> None:
    assert render("$input.path('$.name').toUpperCase() $input.path('$.name').length() "
                  "$input.path('$.name').substring(1) $input.path('$.name').indexOf('n') "
                  "#if($input.path('$.name').equals('Ann'))eq#end "
                  "$input.path('$.name').replaceAll('n+', '-')") == "ANN 3 nn 1 eq A-"


@pytest.mark.parametrize("template, body", [
    ("#if($x", "{}"),                          # does not parse
    ("$input.json('$.a')", "not json"),        # the payload is no JSON
    ("$input.json('a.b')", "{}"),              # not a JSONPath
    ("$util.parseJson('{')", "{}"),
])
def test_failures(template: str, body: str) -> None:
    with pytest.raises(vtl.TemplateFailed):
        render(template, body)


@pytest.mark.parametrize("template, out", [
    ('#set($b = true){"b": $b, "n": $input.path(\'$.owner\').isEmpty()}',
     '{"b": true, "n": false}'),                       # Java's booleans, valid JSON
    ("$input.path('$.name').contains('n') $input.path('$.owner').containsKey('id')",
     "true true"),
    ("#set($m = {})#set($old = $m.put('k', 'v'))$m", "{k=v}"),       # a Java map
    ('#set($m = {"k": [true, {"x": 1}]})$m', "{k=[true, {x=1}]}"),
    ("#set($l = ['a', 'b'])$l $l.size()", "[a, b] 2"),                # a Java list
])
def test_template_literals_and_method_results_print_as_java(template: str, out: str) -> None:
    assert render(template) == out


def test_a_property_name_may_hold_hyphens_as_in_velocity() -> None:
    # API Gateway's templates read and override headers by name after a dot.
    context = vtl.JavaMap(requestOverride=vtl.JavaMap(header=vtl.JavaMap()))
    template = ("#set($context.requestOverride.header.X-Amz-Target = 'DynamoDB.Query')\n"
                "$context.requestOverride.header.X-Amz-Target|"
                "${context.requestOverride.header.X-Amz-Target}|"
                "$input.params().header.get('X-Forwarded-For')")
    params = {"header": {"X-Forwarded-For": "1.2.3.4"}}
    out = vtl.render(template, "{}", params, context, {})
    assert out == "DynamoDB.Query|DynamoDB.Query|1.2.3.4"
    assert context["requestOverride"]["header"] == {"X-Amz-Target": "DynamoDB.Query"}


@pytest.mark.parametrize("template, expected", [
    ("$a-$b", "5-2"),                       # a minus between references stays text
    ("#set($x = $a - $b)$x", "3"),
    ("#set($x = $a-$b)$x", "3"),            # and a subtraction
    ("$a-b", "5-b"),                        # a variable's own name takes no hyphen
])
def test_a_hyphen_after_a_variable_keeps_its_meaning(template, expected) -> None:
    assert render("#set($a = 5)#set($b = 2)" + template) == expected
