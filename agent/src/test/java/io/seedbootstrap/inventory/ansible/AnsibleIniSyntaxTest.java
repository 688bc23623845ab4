package io.seedbootstrap.inventory.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.bind.source.RawNode.RawList;
import io.seedbootstrap.bind.source.RawNode.RawMap;
import io.seedbootstrap.bind.source.RawNode.RawScalar.Kind;
import io.seedbootstrap.bind.source.RawNode.RawScalar;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Var;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pieces of INI reading on their own: values, host patterns, host lines, precedence. */
class AnsibleIniSyntaxTest {
    private static final Path FILE = Path.of("hosts.ini");
    private static final Position AT = new Position(FILE, 1, 1);

    private static String literal(String text) {
        RawNode node = PythonLiteral.parse(text, AT);
        if (node == null) {
            return "text";
        }
        return render(node);
    }

    private static String render(RawNode node) {
        if (node instanceof RawScalar s) {
            return s.kind() + ":" + s.text();
        }
        if (node instanceof RawList l) {
            return l.items().stream().map(AnsibleIniSyntaxTest::render).toList().toString();
        }
        StringBuilder out = new StringBuilder("{");
        ((RawMap) node).entries().forEach((k, e) -> out.append(k).append('=').append(render(e.value())).append(';'));
        return out.append('}').toString();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "22 | INTEGER:22",
        "-5 | INTEGER:-5",
        "0x1F | INTEGER:31",
        "1_000 | INTEGER:1000",
        "01 | text",
        "1.5 | FLOAT:1.5",
        "1.35 | FLOAT:1.35",
        "10.0.0.1 | text",
        "True | BOOLEAN:True",
        "false | BOOLEAN:false",
        "FALSE | text",
        "None | NULL:None",
        "yes | text",
        "'quoted # not a comment' | STRING:quoted # not a comment",
        "\"a\" 'b' | STRING:ab",
        "'03#pa33w0rd' | STRING:03#pa33w0rd",
        "'tab\\there' | STRING:tab\there",
        "r'C:\\new' | STRING:C:\\new",
        "[\"a\", \"b\"] | [STRING:a, STRING:b]",
        "['a=b',] | [STRING:a=b]",
        "(1, 2) | [INTEGER:1, INTEGER:2]",
        "(1) | INTEGER:1",
        "1, 2 | [INTEGER:1, INTEGER:2]",
        "{\"zone\": \"a\", 'n': 1} | {zone=STRING:a;n=INTEGER:1;}",
        "{\"a\": true, \"b\": null} | {a=BOOLEAN:true;b=NULL:null;}",
        "{'a', 'b'} | [STRING:a, STRING:b]",
        "{} | {}",
        "[1, [2, [3]]] | [INTEGER:1, [INTEGER:2, [INTEGER:3]]]",
        "v1.35.7+rke2r1 | text",
        "[unquoted] | text",
        "[1, 2 | text",
        "'open | text",
        "5 # comment | INTEGER:5",
        "1j | text",
        "--5 | text",
        "f'x' | text",
    })
    void valuesAreReadLikePythonLiterals(String text, String expected) {
        assertEquals(expected.strip(), literal(text.strip()));
    }

    @Test
    void deeplyNestedValuesAreTextNotAStackOverflow() {
        assertEquals("text", literal("[".repeat(5000) + "]".repeat(5000)));
    }

    @Test
    void varsValuesDropInlineCommentsOutsideQuotes() {
        assertEquals("STRING:cilium", render(IniInventoryParser.varValue("cilium   # the CNI", AT)));
        assertEquals("STRING:a # b", render(IniInventoryParser.varValue("\"a # b\"", AT)));
        assertEquals("STRING:pa#ss", render(IniInventoryParser.varValue("pa#ss", AT)));
        assertEquals("BOOLEAN:True", render(IniInventoryParser.varValue("True # yes", AT)));
        assertEquals("STRING:it's", render(IniInventoryParser.varValue("it's # comment", AT)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "node[01:03] | [node01, node02, node03] | ",
        "node[1:3] | [node1, node2, node3] | ",
        "node[:2] | [node0, node1, node2] | ",
        "db-[a:c].example.com | [db-a.example.com, db-b.example.com, db-c.example.com] | ",
        "web[1:10:4] | [web1, web5, web9] | ",
        "r[1:2]n[a:b] | [r1na, r1nb, r2na, r2nb] | ",
        "[y:B] | [y, z, A, B] | ",
        "host:2222 | [host] | 2222",
        "10.0.0.5:2200 | [10.0.0.5] | 2200",
        "fe80::1 | [fe80::1] | ",
        "[fe80::1]:2222 | [fe80::1] | 2222",
        "n[01:02]:2222 | [n01, n02] | 2222",
    })
    void hostPatternsExpandLikeAnsible(String pattern, String hosts, String port) {
        Diagnostics diagnostics = new Diagnostics();
        HostPatterns.Expansion expansion = HostPatterns.expand(pattern.strip(), AT, diagnostics);
        assertFalse(diagnostics.hasErrors(), () -> diagnostics.sorted().toString());
        assertEquals(hosts.strip(), expansion.hosts().toString());
        assertEquals(port == null ? null : Integer.valueOf(port.strip()), expansion.port());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "node[3:1] | host pattern \"node[3:1]\" has the range [3:1] that is empty: it begins after it ends",
        "node[1:3 | host pattern \"node[1:3\" has a '[' without its closing ']'",
        "node1:3] | host pattern \"node1:3]\": \"3]\" after ':' is not a port number (1-65535)",
        "node3] | host pattern \"node3]\" has a ']' without '['",
        "node[1] | host pattern \"node[1]\" has the range [1]; a range is [begin:end] or [begin:end:step], e.g. node[01:03]",
        "node[1:] | host pattern \"node[1:]\" has the range [1:] without an end",
        "node[a:3] | host pattern \"node[a:3]\" has the range [a:3]; its bounds must both be numbers (01:10) or both single letters (a:f)",
        "node[1:99999] | host pattern \"node[1:99999]\" expands to more than 4096 hosts",
        "a[1:100]b[1:100] | host pattern \"a[1:100]b[1:100]\" expands to more than 4096 hosts",
        "host:0 | host pattern \"host:0\": \"0\" after ':' is not a port number (1-65535)",
        "a:b:c | host pattern \"a:b:c\" has several ':' but is not an IPv6 address; write name or name:port",
    })
    void malformedHostPatternsAreReported(String pattern, String message) {
        Diagnostics diagnostics = new Diagnostics();
        assertNull(HostPatterns.expand(pattern.strip(), AT, diagnostics));
        assertEquals(List.of("hosts.ini:1:1: error: " + message.strip()), diagnostics.sorted().stream().map(Diagnostic::render).toList());
    }

    @Test
    void hostLinesSplitLikeShlexWithColumns() {
        HostLineLexer.Result result = HostLineLexer.split("  h1 a=1 b=\"two words\" c='[\"x\", \"y\"]' d=e\\ f   # comment");
        assertNull(result.error());
        assertEquals(List.of("h1", "a=1", "b=two words", "c=[\"x\", \"y\"]", "d=e f"), result.words().stream().map(HostLineLexer.Word::text).toList());
        assertEquals(3, result.words().get(0).column());
        HostLineLexer.Word b = result.words().get(2);
        assertEquals(10, b.column());
        assertEquals(13, b.columnAt(2), "the value's first character, inside the quotes");
        assertEquals(0, result.cutComment());
    }

    @Test
    void aHashInsideAWordEndsTheLineAsInAnsible() {
        HostLineLexer.Result result = HostLineLexer.split("h1 pass=ab#cd e=f");
        assertEquals(List.of("h1", "pass=ab"), result.words().stream().map(HostLineLexer.Word::text).toList());
        assertEquals(11, result.cutComment());
    }

    @Test
    void doubleQuotesKeepOtherBackslashes() {
        HostLineLexer.Result result = HostLineLexer.split("h1 a=\"x\\\"y\\\\z\\n\" b='no\\escape'");
        assertEquals(List.of("h1", "a=x\"y\\z\\n", "b=no\\escape"), result.words().stream().map(HostLineLexer.Word::text).toList());
    }

    @Test
    void precedenceIsAllThenParentThenChildThenHost() {
        String ini = """
                [all:vars]
                v1=all
                v2=all
                v3=all
                v4=all

                [parent:children]
                child

                [parent:vars]
                v2=parent
                v3=parent
                v4=parent

                [child]
                h1 v4=host

                [child:vars]
                v3=child
                v4=child

                [parent:children]
                zeta

                [zeta]
                h1

                [zeta:vars]
                v3=zeta
                """;
        Diagnostics diagnostics = new Diagnostics();
        AnsibleInventory.Parsed parsed = IniInventoryParser.parse(FILE, ini, diagnostics);
        assertTrue(parsed.ok(), () -> diagnostics.sorted().toString());
        Map<String, Var> vars = parsed.inventory().effectiveVars(parsed.inventory().findHost("h1"));
        assertEquals("all", text(vars, "v1"));
        assertEquals("parent", text(vars, "v2"));
        assertEquals("zeta", text(vars, "v3"), "child and zeta are both at depth 2: the later name wins, as in Ansible");
        assertEquals("host", text(vars, "v4"));
        assertEquals(new Position(FILE, 16, 4), vars.get("v4").keyPosition());
    }

    private static String text(Map<String, Var> vars, String name) {
        return Values.text(vars.get(name).value());
    }

    @Test
    void childrenMayBeDeclaredAfterTheyAreListed() {
        Diagnostics diagnostics = new Diagnostics();
        AnsibleInventory.Parsed parsed = IniInventoryParser.parse(FILE, "[k8s:children]\nservers\n\n[servers]\ns1\n", diagnostics);
        assertTrue(parsed.ok(), () -> diagnostics.sorted().toString());
        assertTrue(parsed.inventory().groupsOf(parsed.inventory().findHost("s1")).contains("k8s"));
    }

    @Test
    void ungroupedHostsBeforeAnySectionAndCrLfLineEnds() {
        Diagnostics diagnostics = new Diagnostics();
        AnsibleInventory.Parsed parsed = IniInventoryParser.parse(FILE, "h0 ansible_port=2200\r\n; comment\r\n[g]\r\nh1\r\n", diagnostics);
        assertTrue(parsed.ok(), () -> diagnostics.sorted().toString());
        assertEquals(List.of(AnsibleInventory.UNGROUPED), List.copyOf(parsed.inventory().findHost("h0").groups));
        assertEquals("2200", Values.text(parsed.inventory().findHost("h0").vars.get("ansible_port").value()));
        assertEquals(4, parsed.inventory().findHost("h1").position.line());
    }

    @Test
    void aValueCutByAHashIsWarnedAbout() {
        Diagnostics diagnostics = new Diagnostics();
        IniInventoryParser.parse(FILE, "[g]\nh1 ansible_become_password=abc#def\n", diagnostics);
        assertEquals(List.of("hosts.ini:2:31: warning: ansible_become_password: this '#' starts a comment, as in Ansible: the rest of the "
                + "line is ignored; quote the value if the '#' belongs to it"), diagnostics.sorted().stream().map(Diagnostic::render).toList());
    }
}
