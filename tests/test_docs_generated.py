"""What the docs site generates from the code: the reference, the fields tables and the pattern catalogue.

The reference's Python names are checked against the blueprints' real TypedDicts and their camelCase names against
Pulumi's own `camel_case` (what the provider's schema inference uses), not against the generator's own mapping.
"""

import inspect
import json
import re
import typing
from enum import Enum
from pathlib import Path

import pytest
from pulumi.provider.experimental.util import camel_case

from docsite.catalogue import docs_pages, read_catalogue
from docsite.fields import expand_fields, fields_table, load_catalog
from docsite.reference import ReferencePages, StaleSchemaError, default_of, go_name, reference_pages
from pulumi_metaflow_blueprints import provider
from pulumi_metaflow_blueprints.registry import blueprint_classes

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schema.json").read_text(encoding="utf-8"))
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return dict(reference_pages().pages())


def _rows(markdown: str, section: str) -> dict[str, list[str]]:
    """The rows of the table under `## section`, by their TypeScript/YAML name: [python, typescript, go, type,
    required, default, description]."""
    body = markdown.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in body.splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        names = cells[0].split("<br>") if cells else []
        if len(cells) == 5 and len(names) == 3 and names[0].startswith("`"):
            rows[names[1].strip("`")] = [*names, *cells[1:]]
    return rows


def _typeddict_of(component: type) -> type:
    return inspect.get_annotations(component.__init__)["args"]


def _schema_classes() -> list[type]:
    """Every TypedDict and Enum the blueprints' args and outputs reach (the provider's own walk)."""
    return [cls for component in blueprint_classes() for cls in provider._schema_classes(component)]


@pytest.mark.parametrize("component", blueprint_classes(), ids=lambda cls: cls.__name__)
def test_every_input_and_output_is_listed_with_its_name_in_each_language(
    pages: dict[str, str], component: type
) -> None:
    """Each schema input is a row whose Python name is the TypedDict's own key (camel-cased by Pulumi into the
    schema name), whose Go name is Title-cased, with the schema's type, required flag and description."""
    page = pages[f"reference/{component.__name__}.md"]
    resource = SCHEMA["resources"][f"metaflow-blueprints:index:{component.__name__}"]
    inputs = _rows(page, "Inputs")
    assert sorted(inputs) == sorted(resource["inputProperties"])
    keys = list(_typeddict_of(component).__annotations__)
    assert sorted(row[0].strip("`") for row in inputs.values()) == sorted(keys)
    for key in keys:
        row = inputs[camel_case(key)]
        assert row[0] == f"`{key}`"
        assert row[2] == f"`{camel_case(key)[0].upper()}{camel_case(key)[1:]}`"
        assert row[4] == ("yes" if camel_case(key) in resource.get("requiredInputs", []) else "no")
        description = " ".join(resource["inputProperties"][camel_case(key)].get("description", "").split())
        assert row[6] == description.replace("|", "\\|")
    outputs = _rows(page, "Outputs")
    assert sorted(outputs) == sorted(resource["properties"])
    python_outputs = [name for name in inspect.get_annotations(component) if not name.startswith("_")]
    assert sorted(row[0].strip("`") for row in outputs.values()) == sorted(python_outputs)


def test_every_shared_type_and_enum_value_is_listed(pages: dict[str, str]) -> None:
    """Each object type's properties carry the Python key of the TypedDict the args reach; each enum its values."""
    page = pages["reference/types.md"]
    typeddicts = {cls.__name__: cls for cls in _schema_classes() if typing.is_typeddict(cls)}
    for token, definition in SCHEMA["types"].items():
        name = token.rsplit(":", 1)[-1]
        assert f"\n## {name}\n" in page
        if "enum" in definition:
            for member in definition["enum"]:
                assert f"| `{member['value']}` |" in page
            continue
        rows = _rows(page, name)
        assert sorted(rows) == sorted(definition["properties"]), name
        for key in typeddicts[name].__annotations__:
            assert rows[camel_case(key)][0] == f"`{key}`", (name, key)


def test_every_enum_value_matches_the_python_enum(pages: dict[str, str]) -> None:
    """Enum values in the reference are the Python enums' values (what other languages write)."""
    enums = {cls for cls in _schema_classes() if issubclass(cls, Enum)}
    assert len(enums) == sum(1 for definition in SCHEMA["types"].values() if "enum" in definition)
    for enum in enums:
        for member in enum:
            assert f"| `{member.value}` |" in pages["reference/types.md"], member


@pytest.mark.parametrize(
    ("description", "default"),
    [
        ("Receives before a message moves to the dead-letter queue. Defaults to 5.", "5"),
        ("Region of the queue. Defaults to the stack's `aws:region`.", "the stack's `aws:region`"),
        ("`notification` (default; one blueprint per bucket) or `eventbridge`.", "`notification`"),
        ("turn on the bucket's EventBridge setting (default true). Set false on all but one", "true"),
        ("Length of each period up to 86400. Defaults\n    to 60.", "60"),
        ("Name of an existing bucket.", ""),
    ],
)
def test_defaults_are_read_from_the_descriptions(description: str, default: str) -> None:
    assert default_of(description) == default


def test_every_stated_default_reaches_the_default_column(pages: dict[str, str]) -> None:
    """A property whose description says `Defaults to` shows a default; one that says nothing shows none."""
    for component in blueprint_classes():
        resource = SCHEMA["resources"][f"metaflow-blueprints:index:{component.__name__}"]
        rows = _rows(pages[f"reference/{component.__name__}.md"], "Inputs")
        for name, prop in resource["inputProperties"].items():
            says = "Defaults to" in " ".join(prop.get("description", "").split())
            assert (rows[name][5] != "—") == (says or "(default" in prop.get("description", "")), name


def test_go_names_title_case_the_schema_name() -> None:
    """Pulumi's Go code generator (`pkg/codegen/go`, `fieldName` -> `Title`): first letter upper-cased, `$` dropped."""
    assert go_name("oidcProviderArn") == "OidcProviderArn"
    assert go_name("$ref") == "Ref"


def test_a_stale_schema_fails_the_build(tmp_path: Path) -> None:
    """The reference is only generated from the schema the provider serves: an edited copy is refused."""
    stale = json.loads(json.dumps(SCHEMA))
    stale["resources"]["metaflow-blueprints:index:S3ObjectTrigger"]["inputProperties"]["bucket"]["description"] = "x"
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(stale, indent=2) + "\n", encoding="utf-8")
    with pytest.raises(StaleSchemaError, match="regenerate it"):
        reference_pages(path)


def test_reference_pages_link_only_to_types_that_exist(pages: dict[str, str]) -> None:
    anchors = {token.rsplit(":", 1)[-1].lower() for token in SCHEMA["types"]}
    for path, markdown in pages.items():
        for anchor in re.findall(r"\(types\.md#([\w-]+)\)|\]\(#([\w-]+)\)", markdown):
            assert (anchor[0] or anchor[1]) in anchors, (path, anchor)
    assert isinstance(reference_pages(), ReferencePages)


CATALOGS = [
    ("pulumi_metaflow_blueprints.aws.s3", "S3_NOTIFICATION_FIELDS", None),
    ("pulumi_metaflow_blueprints.gcp.pubsub", "pubsub_message_fields", "True"),
    ("pulumi_metaflow_blueprints.webhooks.dbt", "DBT_JOB_RUN_FIELDS", None),
]


@pytest.mark.parametrize(("module", "attribute", "arg"), CATALOGS)
def test_fields_tables_list_every_field_with_its_gjson_path(module: str, attribute: str, arg: str | None) -> None:
    catalog = load_catalog(module, attribute, arg)
    table = fields_table(catalog)
    for field in catalog.fields:
        assert f"| `{field.name}` | `{field.path.gjson}`" in table
    identity = [alt for part in catalog.identity for alt in part.split("|")]
    for line in table.splitlines()[2:]:
        name = line.split("`")[1]
        assert ("identity" in line.rsplit("|", 2)[1]) == (name in identity), line


def test_s3_key_is_marked_decoded_and_the_identity_alternatives_named() -> None:
    table = fields_table(load_catalog("pulumi_metaflow_blueprints.aws.s3", "S3_NOTIFICATION_FIELDS"))
    key = next(line for line in table.splitlines() if line.startswith("| `key` |"))
    assert "form-urlencoded decoded" in key
    etag = next(line for line in table.splitlines() if line.startswith("| `etag` |"))
    assert "the first present of `etag`, `version_id`, `sequencer`" in etag


def test_fields_markers_naming_nothing_fail() -> None:
    with pytest.raises(ValueError, match="does not exist"):
        expand_fields("<!-- generated: fields pulumi_metaflow_blueprints.aws.s3:NO_SUCH_FIELDS -->")
    with pytest.raises(ValueError, match="not a FieldCatalog"):
        expand_fields("<!-- generated: fields pulumi_metaflow_blueprints.aws.s3:__all__ -->")


def test_every_docs_fields_marker_names_a_catalog() -> None:
    """Every marker in the pages expands (the build would fail on one that does not)."""
    markers = 0
    for path in DOCS.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        markers += text.count("<!-- generated: fields ")
        assert "<!-- generated: fields" not in expand_fields(text), path
    assert markers >= 10


def test_the_catalogue_covers_every_blueprint_the_registry_declares() -> None:
    catalogue = read_catalogue(docs_pages(DOCS))
    assert [p.blueprint for p in catalogue.patterns] == [cls.__name__ for cls in blueprint_classes()]
    packages = {cls.__name__: cls.__module__.split(".")[1] for cls in blueprint_classes()}
    for pattern in catalogue.patterns:
        assert pattern.package == packages[pattern.blueprint], pattern


def test_a_blueprint_without_a_page_or_a_page_without_a_blueprint_fails(tmp_path: Path) -> None:
    pages = docs_pages(DOCS)
    missing = {uri: path for uri, path in pages.items() if uri != "blueprints/sqs.md"}
    with pytest.raises(ValueError, match=r"without a page.*SqsQueueTrigger"):
        read_catalogue(missing)
    unknown = tmp_path / "kafka.md"
    unknown.write_text(
        "---\nblueprint: KafkaTopicTrigger\npackage: kafka\ncloud: Any\nevents: messages\nsummary: x\n---\n# x\n"
    )
    with pytest.raises(ValueError, match=r"does not declare.*KafkaTopicTrigger"):
        read_catalogue({**pages, "blueprints/kafka.md": unknown})
    incomplete = tmp_path / "s3.md"
    incomplete.write_text("---\nblueprint: S3ObjectTrigger\npackage: aws\n---\n# x\n")
    with pytest.raises(ValueError, match="lacks cloud, events, summary"):
        read_catalogue({**pages, "blueprints/s3.md": incomplete})


def test_catalogue_links_are_relative_to_the_page() -> None:
    catalogue = read_catalogue(docs_pages(DOCS))
    assert "](blueprints/s3.md)" in catalogue.html("index.md")
    assert "](s3.md)" in catalogue.html("blueprints/index.md")


def test_the_readme_table_lists_every_blueprint_with_its_page() -> None:
    """The README's blueprint table (a first visit's map) names every blueprint and links the page documenting it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)\.(\w+)` \|.*\| \[page\]\(docs/(blueprints/[\w-]+\.md)\) \|$", readme, re.MULTILINE)
    pages = {p.blueprint: p.page for p in read_catalogue(docs_pages(DOCS)).patterns}
    declared = {cls.__name__: cls.__module__.split(".")[1] for cls in blueprint_classes()}
    assert sorted(name for _, name, _ in rows) == sorted(declared)
    for package, name, page in rows:
        assert (package, page) == (declared[name], pages[name]), name
