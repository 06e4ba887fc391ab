"""The composition attributes in the members import: Vietnamese headers and names, unknowns."""

import pytest

from members.models import Member
from tests.imports import messages, run

pytestmark = pytest.mark.django_db
HEAD = (
    "Họ và tên,Giới tính,Tổ chức đảng,Số CCCD,Ngày vào Đảng,Dân tộc,Tôn giáo,"
    "Trình độ chuyên môn,Lý luận chính trị,Chức vụ,Từ quần chúng ưu tú\n"
)


def test_new_members_carry_every_attribute_in_vietnamese(user, english):
    data = (
        HEAD + "Lò Văn A,male,HN-001,001190099001,02/03/2020,Thái,Phật giáo,university,"
        "sơ cấp,worker,có\n"
        + "Giàng Thị B,female,HN-001,001190099002,02/03/2020,H'Mông,,,,,không\n"
        + "Nguyễn C,male,HN-001,001190099003,02/03/2020,,,,,,\n"
    ).encode()
    summary = run("members", user("canbo"), data)
    assert summary.committed, summary
    a, b, c = (Member.objects.get(national_id=f"00119009900{i}") for i in (1, 2, 3))
    assert (a.ethnicity, a.qualification, a.position, a.from_pipeline) == (
        "thai", "university", "worker", True,
    )  # fmt: skip
    assert (b.ethnicity, b.religion, b.qualification, b.from_pipeline) == ("hmong", "", "", False)
    assert (c.ethnicity, c.religion, c.political_theory, c.from_pipeline) == ("", "", "", None)


def test_a_value_outside_the_choices_is_refused_on_its_row(user, english):
    data = (HEAD + "Lò Văn D,male,HN-001,001190099004,02/03/2020,Klingon,,,,,\n").encode()
    summary = run("members", user("canbo"), data)
    assert not summary.committed
    assert messages(summary, 2)[0].startswith("“Klingon” is not one of:")
