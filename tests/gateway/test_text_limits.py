"""The services' text limits in the composed schema: every String a service checks states its maximum."""

from __future__ import annotations

from graphql import GraphQLInputObjectType, GraphQLObjectType, GraphQLString, get_named_type

from gateway.schema import compose
from gateway.text_limits import limit_sentence
from services.kit.plugin import load_plugins


def test_string_arguments_and_input_fields_state_the_limit_the_service_enforces() -> None:
    schema = compose(load_plugins())._schema
    mutation, query = schema.mutation_type, schema.query_type
    assert mutation is not None and query is not None
    visit = schema.type_map["RecordVisitInput"]
    assert isinstance(visit, GraphQLInputObjectType)
    assert limit_sentence(10_000) in (visit.fields["notes"].description or "")
    assert "characters" not in (query.fields["households"].args["after"].description or "")  # a gateway cursor
    report = schema.type_map["CaseReportInput"]
    assert isinstance(report, GraphQLInputObjectType)
    assert limit_sentence(10_000) in (report.fields["description"].description or "")
    assert limit_sentence(200) in (report.fields["address"].description or "")
    # A file's base64 content is no text field: its bound is the file size, not a character count.
    ledger = schema.type_map["ImportHouseholdsInput"]
    assert isinstance(ledger, GraphQLInputObjectType)
    assert "characters" not in (ledger.fields["contentBase64"].description or "")

    undescribed = set()
    for graphql_type in schema.type_map.values():
        if isinstance(graphql_type, GraphQLObjectType) and not graphql_type.name.startswith("__"):
            for name, field in graphql_type.fields.items():
                for argument_name, argument in field.args.items():
                    if argument_name != "after" and get_named_type(argument.type) is GraphQLString and \
                            "characters" not in (argument.description or ""):
                        undescribed.add(f"{graphql_type.name}.{name}({argument_name})")
        elif isinstance(graphql_type, GraphQLInputObjectType):
            for name, input_field in graphql_type.fields.items():
                if get_named_type(input_field.type) is GraphQLString and \
                        "characters" not in (input_field.description or ""):
                    undescribed.add(f"{graphql_type.name}.{name}")
    # Files, and the gateway's own decision-log filter (checked by the gateway, not by a service).
    assert undescribed == {"Mutation.importFirePlaces(contentBase64)", "ImportHouseholdsInput.contentBase64",
                           "ImportBoundariesInput.contentBase64",
                           "Mutation.importPollutionSources(data)", "AccessDecisionFilter.action",
                           "AccessDecisionFilter.resourceType"}


def test_a_name_whose_limit_differs_between_requests_states_the_limit_of_its_own_message() -> None:
    # A person's name fits its 64-character column, a place's its 128, a category code its 64 (the
    # jurisdiction code beside other fields is 15): each input states the limit of the message it stands for.
    schema = compose(load_plugins())._schema
    expected = {("ResidentInput", "name"): 64, ("HelperInput", "name"): 64, ("FirePlaceInput", "name"): 128,
                ("FirePlaceInput", "ownerName"): 64, ("PollutionSourceInput", "name"): 128,
                ("CaseCategoryInput", "code"): 64, ("CaseCategoryInput", "name"): 128,
                ("CreateBuildingInput", "name"): 128, ("OrganizationInput", "name"): 200,
                ("HouseholdFilterInput", "name"): 200, ("FirePlaceInput", "jurisdictionCode"): 15}
    for (type_name, field_name), limit in expected.items():
        graphql_type = schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLInputObjectType)
        assert limit_sentence(limit) in (graphql_type.fields[field_name].description or ""), (type_name, field_name)
