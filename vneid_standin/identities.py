"""The people the stand-in can sign in as: the demo citizens, one level-1 identity, one newcomer.

The claims are those of the national eID (docs/domain.md §Identity); `ial` is the identity level
(2: the person was identified in person against the population registry; 1: self-declared).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoIdentity:
    so_dinh_danh: str
    ho_va_ten: str
    ngay_sinh: str  # ISO 8601 date
    so_dien_thoai: str
    thu_dien_tu: str
    ial: int

    @property
    def sub(self) -> str:
        # A stable subject that does not reveal the id number.
        return "vneid-" + hashlib.sha256(self.so_dinh_danh.encode()).hexdigest()[:24]

    def claims(self) -> dict[str, object]:
        return {
            "sub": self.sub,
            "SoDinhDanh": self.so_dinh_danh,
            "HoVaTen": self.ho_va_ten,
            "NgayThangNamSinh": self.ngay_sinh,
            "SoDienThoai": self.so_dien_thoai,
            "ThuDienTu": self.thu_dien_tu,
            "ial": self.ial,
        }


IDENTITIES: dict[str, DemoIdentity] = {
    i.so_dinh_danh: i
    for i in (
        # congdan@demo.vn and congdan2@demo.vn of seed_demo.
        DemoIdentity(
            "001090012345", "Nguyễn Văn An", "1990-05-12", "0912345678", "congdan@demo.vn", 2
        ),
        DemoIdentity(
            "079185001234", "Trần Thị Bình", "1985-09-03", "0987654321", "congdan2@demo.vn", 2
        ),
        # Known to the population registry, no portal account yet.
        DemoIdentity(
            "001200000123", "Phạm Minh Châu", "2000-01-20", "0901000123", "chau@demo.vn", 2
        ),
        # A level-1 account: signs in, but proves nothing about the id number.
        DemoIdentity("001095004321", "Lê Văn Dũng", "1995-11-02", "0903000432", "dung@demo.vn", 1),
    )
}
