//! Known-answer vectors for bcrypt (`$2a$ $2b$ $2x$ $2y$`), SHA-256/512-crypt, DES crypt, `{SHA}`
//! and `{SSHA}`. They need no reference tool at test time.
//!
//! Sources: "libxcrypt" vectors are the output of Debian 12's libxcrypt 4.4.33 `crypt()` (through
//! `perl -e 'print crypt(pack("H*", $pw), $setting)'`) for the password and setting shown;
//! "python hashlib" vectors are `{SHA}`/`{SSHA}` built with Python's `hashlib.sha1` and
//! `base64.b64encode`. Passwords are prefixes of a fixed sentence at the edge lengths 0, 1, 15,
//! 16, 17, 55, 56, 63, 64, 65, 127, 128, 255 (SHA-crypt), 0, 1, 8, 71, 72, 73, 255 (bcrypt),
//! 0..13 (DES), plus crypt_blowfish's 8-bit test passwords and UTF-8 text.

use htpasswd_core::crypt::{Hash, Scheme, verify};

struct Kat {
    password: &'static [u8],
    hash: &'static [u8],
    source: &'static str,
}

const KATS: &[Kat] = &[
    Kat { password: b"", hash: b"$5$saltstring$FdNfA4gXqvCeO6iZs7G/.wwwoywYZqo0l1pwmfWaBA7", source: "libxcrypt" },
    Kat { password: b"", hash: b"$6$rounds=1000$saltstring$CF.N.0BYYN72qUcyvvSEsw6BVOF30ljypIAf09OO9srNHWPxyxF8MeuK7MXWjGoVlM.3yAAk/owEEJQEYuWsY1", source: "libxcrypt" },
    Kat { password: b"T", hash: b"$5$saltstring$AHXl77fPASxylVM.WwrSNTx9d8Zbh3PRX6ARlfeh.O0", source: "libxcrypt" },
    Kat { password: b"T", hash: b"$6$rounds=1000$saltstring$0XYAkw.QYwOSclEk7GjOPFOO2LGacK4ls9yS3endOgE3RDaHGslC6iKyRSc9LzF5ZBIIDjL6hnghI3jDDZzvP1", source: "libxcrypt" },
    Kat { password: b"The quick brown", hash: b"$5$saltstring$Carp8Fkdo9BeFRQmnY5ijjtdjzxwK6BHaSPYcpJ8QrB", source: "libxcrypt" },
    Kat { password: b"The quick brown", hash: b"$6$rounds=1000$saltstring$GOxEvgiLVPDKOkOkGWoSoMLa8rMfIQ4hdxzZ9z6BHek9C/1YeU.T1/zMWUGfTUkylQufde3IPC.RBhQBNV4zG/", source: "libxcrypt" },
    Kat { password: b"The quick brown ", hash: b"$5$saltstring$Z8QAWdUUWhYyNoW1K0S33EO4s3gkmm3Om4PK789kB96", source: "libxcrypt" },
    Kat { password: b"The quick brown ", hash: b"$6$rounds=1000$saltstring$nVGnMoWZ7BZ2kw2ejV9ghXURGM0p6bcvzXCf4L/3pIhkXekQuIiU7QoQ8L8lImKB63Fqy9Uk0JGhHpXoxTypK1", source: "libxcrypt" },
    Kat { password: b"The quick brown f", hash: b"$5$saltstring$oyOFos71YgLehyCQNTTEybRwRV29o7a8KU8AzVgG5d5", source: "libxcrypt" },
    Kat { password: b"The quick brown f", hash: b"$6$rounds=1000$saltstring$we6lJdfGtjLUHGD73.LRvMfjP3Ko2MdypQ3N.SL5V1b/qtI35poblozBq6BbxfD476gXfKD7eU4hOxVb8Rq/q0", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 ", hash: b"$5$saltstring$m04eFF50i4J7LIfLAYiqcS1gwBByaxOXr11fzjgJ8l8", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 ", hash: b"$6$rounds=1000$saltstring$KK0ZPanAJyG3uzZkKi3itN6FG6b9QCymXvZpO9D3Mkz47FoL6sxgvUOQmnamIT9hzPX/A7UK5slwQQfaySLxt.", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 T", hash: b"$5$saltstring$6M054LJQxSinI.EwtzHMrAhb0JqL5o.dsfkDamg.jh9", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 T", hash: b"$6$rounds=1000$saltstring$yvoeoZgBHOEzgRzqapkWVhgGTYV2xmeKsUyXZ.v/qS7POQm9ayRBlHs0L0SGWWDHr5L1F9TvSoXgHyY7kcTiI0", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quic", hash: b"$5$saltstring$RcctT8M70QyrLK26y3bncDr2T8Q88BlY3S1igYdce0/", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quic", hash: b"$6$rounds=1000$saltstring$Z5iyEmX/8ITRh73PTPe/.rtmWNn4z/G7c0UZeTFfyjJ2EYc01Nee1xYD8FqndeKUIio47jSSwO6gplQgZNAWq.", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick", hash: b"$5$saltstring$ppzcAFkpQdjrougTv9OrqqUTaoEKdg4YILDEDwhzdwD", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick", hash: b"$6$rounds=1000$saltstring$IIIy5dejbuvvLok3CPK79daAai7nVr6xRY2ezwT.G.CQpgzW6dL6k5EG.0TmMecR/JqIl2xrnPv4ODBGyCdJL1", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick ", hash: b"$5$saltstring$LbCuOI7hAsPE3GKqryZaU6wwlv0t72pdfg/mZpZ4k9C", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick ", hash: b"$6$rounds=1000$saltstring$gdyO8j62ywizf5NSa1zS8o/sRCmrp/UwXdVTKLWLRglkA4GpfrMlZByw97UUNptoetHnJbT5UJhzmF4cDa3Ar/", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown f", hash: b"$5$saltstring$CRDlzQXkQrJae6DRIgElTHsRGVAQPWL48VejhhDkl21", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown f", hash: b"$6$rounds=1000$saltstring$J60hqtIq/IJsCij9u00RfV3WEsV1NKHbR1yw.sxyhbSHA7n18WzQvCKnjfLqVMhBInZi3uvfroqcuvt4yDmci1", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fo", hash: b"$5$saltstring$IaoszrgyOZaDt5XlNLMMdGFzqgmg1OdzVrjmpJVHx22", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fo", hash: b"$6$rounds=1000$saltstring$ypX.Zm05m0DDVkXlNVvQDU5kMKlaG/6nJhvFh1bS7eCKAMNSMgqckilpgwQt1eZm2T/rYcXv38in.Xael2NSc1", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the ", hash: b"$5$saltstring$jvA1OVqpXe92uE57ht6Qrm1zoVdt/klVEUmHxz892VA", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the ", hash: b"$6$rounds=1000$saltstring$Zm7Phpr.vqAxUyH/IdRYQ4D4X7sZHnjUI.NpV/CtGnOmukWTAhIgohbDIlhYZJz21ZjGvWgeIhN8RBqSPbv21.", source: "libxcrypt" },
    Kat { password: b"Hello world!", hash: b"$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA", source: "libxcrypt" },
    Kat { password: b"Hello world!", hash: b"$6$rounds=5000$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", source: "libxcrypt" },
    Kat { password: b"p\xc3\xa4ssw\xc3\xb6rd", hash: b"$6$$yMPkfzGcFCffodHeXboZ4HGPGQiYmdKy1.x85l1lf44q/wjyBJ6/pGh7oocpx9.A0iIaD6/1nWIik8lDzE97s0", source: "libxcrypt" },
    Kat { password: b"", hash: b"$2a$04$abcdefghijklmnopqrstuubyCG3zY1GIXMyxfivm.ClDiInHzxjiq", source: "libxcrypt" },
    Kat { password: b"", hash: b"$2b$04$abcdefghijklmnopqrstuubyCG3zY1GIXMyxfivm.ClDiInHzxjiq", source: "libxcrypt" },
    Kat { password: b"", hash: b"$2x$04$abcdefghijklmnopqrstuubyCG3zY1GIXMyxfivm.ClDiInHzxjiq", source: "libxcrypt" },
    Kat { password: b"", hash: b"$2y$04$abcdefghijklmnopqrstuubyCG3zY1GIXMyxfivm.ClDiInHzxjiq", source: "libxcrypt" },
    Kat { password: b"T", hash: b"$2a$04$abcdefghijklmnopqrstuu7NqEwoztIbBJaKvHiBaWcAfV/OwfxXm", source: "libxcrypt" },
    Kat { password: b"T", hash: b"$2b$04$abcdefghijklmnopqrstuu7NqEwoztIbBJaKvHiBaWcAfV/OwfxXm", source: "libxcrypt" },
    Kat { password: b"T", hash: b"$2x$04$abcdefghijklmnopqrstuu7NqEwoztIbBJaKvHiBaWcAfV/OwfxXm", source: "libxcrypt" },
    Kat { password: b"T", hash: b"$2y$04$abcdefghijklmnopqrstuu7NqEwoztIbBJaKvHiBaWcAfV/OwfxXm", source: "libxcrypt" },
    Kat { password: b"The quic", hash: b"$2a$04$abcdefghijklmnopqrstuu87iBbq9I3S6FZEJg/soJyu5AaxqxonC", source: "libxcrypt" },
    Kat { password: b"The quic", hash: b"$2b$04$abcdefghijklmnopqrstuu87iBbq9I3S6FZEJg/soJyu5AaxqxonC", source: "libxcrypt" },
    Kat { password: b"The quic", hash: b"$2x$04$abcdefghijklmnopqrstuu87iBbq9I3S6FZEJg/soJyu5AaxqxonC", source: "libxcrypt" },
    Kat { password: b"The quic", hash: b"$2y$04$abcdefghijklmnopqrstuu87iBbq9I3S6FZEJg/soJyu5AaxqxonC", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown ", hash: b"$2a$04$abcdefghijklmnopqrstuu2i5r1bLc0Kll2J8XzTr1CmJXJYBFFBq", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown ", hash: b"$2b$04$abcdefghijklmnopqrstuu2i5r1bLc0Kll2J8XzTr1CmJXJYBFFBq", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown ", hash: b"$2x$04$abcdefghijklmnopqrstuu2i5r1bLc0Kll2J8XzTr1CmJXJYBFFBq", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown ", hash: b"$2y$04$abcdefghijklmnopqrstuu2i5r1bLc0Kll2J8XzTr1CmJXJYBFFBq", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown f", hash: b"$2a$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown f", hash: b"$2b$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown f", hash: b"$2x$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown f", hash: b"$2y$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fo", hash: b"$2a$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fo", hash: b"$2b$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fo", hash: b"$2x$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fo", hash: b"$2y$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the ", hash: b"$2a$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the ", hash: b"$2b$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the ", hash: b"$2x$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the ", hash: b"$2y$04$abcdefghijklmnopqrstuuTFke6sxXKOlZkg5D5Zqb7LaUg8Qaica", source: "libxcrypt" },
    Kat { password: b"\xa3", hash: b"$2a$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", source: "libxcrypt" },
    Kat { password: b"\xa3", hash: b"$2b$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", source: "libxcrypt" },
    Kat { password: b"\xa3", hash: b"$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", source: "libxcrypt" },
    Kat { password: b"\xa3", hash: b"$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", source: "libxcrypt" },
    Kat { password: b"\xff\xff\xa3", hash: b"$2a$05$/OK.fbVrR/bpIqNJ5ianF.nqd1wy.pTMdcvrRWxyiGL2eMz.2a85.", source: "libxcrypt" },
    Kat { password: b"\xff\xff\xa3", hash: b"$2b$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", source: "libxcrypt" },
    Kat { password: b"\xff\xff\xa3", hash: b"$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", source: "libxcrypt" },
    Kat { password: b"\xff\xff\xa3", hash: b"$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", source: "libxcrypt" },
    Kat { password: b"1\xa3345", hash: b"$2a$05$/OK.fbVrR/bpIqNJ5ianF.ykhStlibHmUn6GomsWXnJvyvZx4vmvy", source: "libxcrypt" },
    Kat { password: b"1\xa3345", hash: b"$2b$05$/OK.fbVrR/bpIqNJ5ianF.ykhStlibHmUn6GomsWXnJvyvZx4vmvy", source: "libxcrypt" },
    Kat { password: b"1\xa3345", hash: b"$2x$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi", source: "libxcrypt" },
    Kat { password: b"1\xa3345", hash: b"$2y$05$/OK.fbVrR/bpIqNJ5ianF.ykhStlibHmUn6GomsWXnJvyvZx4vmvy", source: "libxcrypt" },
    Kat { password: b"\xff\xa3345", hash: b"$2a$05$/OK.fbVrR/bpIqNJ5ianF.nRht2l/HRhr6zmCp9vYUvvsqynflf9e", source: "libxcrypt" },
    Kat { password: b"\xff\xa3345", hash: b"$2b$05$/OK.fbVrR/bpIqNJ5ianF.nRht2l/HRhr6zmCp9vYUvvsqynflf9e", source: "libxcrypt" },
    Kat { password: b"\xff\xa3345", hash: b"$2x$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi", source: "libxcrypt" },
    Kat { password: b"\xff\xa3345", hash: b"$2y$05$/OK.fbVrR/bpIqNJ5ianF.nRht2l/HRhr6zmCp9vYUvvsqynflf9e", source: "libxcrypt" },
    Kat { password: b"gr\xc3\xbcn", hash: b"$2a$05$/OK.fbVrR/bpIqNJ5ianF.4wS5WK5I0lpgq8qapKGlrsZr2m4aJi6", source: "libxcrypt" },
    Kat { password: b"gr\xc3\xbcn", hash: b"$2b$05$/OK.fbVrR/bpIqNJ5ianF.4wS5WK5I0lpgq8qapKGlrsZr2m4aJi6", source: "libxcrypt" },
    Kat { password: b"gr\xc3\xbcn", hash: b"$2x$05$/OK.fbVrR/bpIqNJ5ianF.ykVWlg6lBXwQ61psnEBGYzI3BnoK7fi", source: "libxcrypt" },
    Kat { password: b"gr\xc3\xbcn", hash: b"$2y$05$/OK.fbVrR/bpIqNJ5ianF.4wS5WK5I0lpgq8qapKGlrsZr2m4aJi6", source: "libxcrypt" },
    Kat { password: b"", hash: b"..X8NBuQ4l6uQ", source: "libxcrypt" },
    Kat { password: b"T", hash: b"./ZZOJpVDTX2I", source: "libxcrypt" },
    Kat { password: b"The qui", hash: b"zz5p9O2OuMXs6", source: "libxcrypt" },
    Kat { password: b"The quic", hash: b"abOWKu0XEFEzw", source: "libxcrypt" },
    Kat { password: b"The quick", hash: b"ZZhO4tMGWLSh6", source: "libxcrypt" },
    Kat { password: b"The quick bro", hash: b"9aydpdJyb/SQc", source: "libxcrypt" },
    Kat { password: b"gr\xc3\xbcn\xe2\x82\xac", hash: b"XzmGdWiaG8EtI", source: "libxcrypt" },
    Kat { password: b"", hash: b"{SHA}2jmj7l5rSw0yVb/vlWAYkK/YBwk=", source: "python hashlib" },
    Kat { password: b"T", hash: b"{SHA}wsU9ZpSCFCWKJsqcqEXXrAwX+Oc=", source: "python hashlib" },
    Kat { password: b"The quic", hash: b"{SHA}LrNFaxtPuW3xMJ7/IbAoFGY/k5o=", source: "python hashlib" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 ", hash: b"{SHA}ZNCxR7zj1w6N14LCGiUU6ySe5Ng=", source: "python hashlib" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 T", hash: b"{SHA}VnzUmh/QSjwFUlYSJfCXW60+CVM=", source: "python hashlib" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick", hash: b"{SHA}VMqoocF8tYSpeNhGr+ij3iGbldk=", source: "python hashlib" },
    Kat { password: b"The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the lazy dog 0123456789 The quick brown fox jumps over the ", hash: b"{SHA}2d232q6rNnXoHJAMR/2z93Bs9Ds=", source: "python hashlib" },
    Kat { password: b"", hash: b"{SSHA}spXRFxNal2PaKC59rnOlyn0+WxFzYWx0", source: "python hashlib" },
    Kat { password: b"The q", hash: b"{SSHA}R3vYaPVzS72ejTUPZVgZparVKpgAAQID", source: "python hashlib" },
    Kat { password: b"The quick brown fox ", hash: b"{SSHA}MVjjDpqQWpVPqzWnwp0cuCQL4JIxNiBieXRlcyBvZiBzYWx0", source: "python hashlib" },
    Kat { password: b"The quic", hash: b"{SSHA}LrNFaxtPuW3xMJ7/IbAoFGY/k5o=", source: "python hashlib" },
];

#[test]
fn known_answers_verify_and_round_trip() {
    for kat in KATS {
        let shown = String::from_utf8_lossy(kat.hash);
        let hash =
            Hash::parse(kat.hash).unwrap_or_else(|e| panic!("{shown} ({}): {e}", kat.source));
        assert_eq!(hash.scheme(), Scheme::classify(kat.hash));
        assert_eq!(hash.to_bytes(), kat.hash, "{shown}");
        assert!(hash.verify(kat.password), "{shown} ({})", kat.source);
        let mut wrong = kat.password.to_vec();
        wrong.insert(0, b'X');
        assert_eq!(verify(&wrong, kat.hash), Ok(false), "{shown}");
    }
}

#[test]
fn known_answers_cover_every_hashed_scheme() {
    let mut seen: Vec<Scheme> = KATS.iter().map(|k| Scheme::classify(k.hash)).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 9, "{seen:?}");
}
