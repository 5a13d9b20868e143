from __future__ import annotations

import pytest

from domain.kernel import validators
from domain.kernel.errors import IamError


@pytest.mark.parametrize("name", ["a", "Mia", "x" * 64, "a+b=c,d.e@f_g-h"])
def test_valid_user_names(name: str) -> None:
    assert validators.user_name(name) == name


@pytest.mark.parametrize("name", ["", "x" * 65, "has space", "slash/no", "é"])
def test_invalid_user_names_are_refused_on_the_name_field(name: str) -> None:
    with pytest.raises(IamError) as caught:
        validators.user_name(name)
    assert caught.value.field == "name"


def test_group_names_may_be_128_characters() -> None:
    assert validators.group_name("g" * 128)
    with pytest.raises(IamError):
        validators.group_name("g" * 129)


@pytest.mark.parametrize("path", ["/", "/division/", "/a/b/c/"])
def test_valid_paths(path: str) -> None:
    assert validators.path(path) == path


@pytest.mark.parametrize("path", ["", "division", "/division", "/a b/", "/" + "x" * 511 + "/"])
def test_invalid_paths(path: str) -> None:
    with pytest.raises(IamError):
        validators.path(path)


def test_user_tag_keys_are_unique_ignoring_case() -> None:
    with pytest.raises(IamError, match="Duplicate tag key"):
        validators.tags([("Team", "a"), ("team", "b")], case_insensitive_keys=True)


def test_tags_refuse_the_aws_prefix_and_more_than_fifty() -> None:
    with pytest.raises(IamError, match="aws:"):
        validators.tags([("aws:x", "1")], case_insensitive_keys=True)
    with pytest.raises(IamError, match="up to 50"):
        validators.tags([(f"k{i}", "v") for i in range(51)], case_insensitive_keys=True)
