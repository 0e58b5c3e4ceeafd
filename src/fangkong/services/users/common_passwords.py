"""The most common passwords of the published leak corpora (the head of the lists every guessing tool tries
first: SecLists' 10-million-password list, NCSC's 100,000 most common, 2019), lowercased. A password on this list
is guessed in the first seconds of an attack whatever its length."""

from __future__ import annotations

_LISTED = """
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123 football monkey
letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael 654321 superman 1qaz2wsx 7777777
121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer harley batman
andrew tigger sunshine iloveyou 2000 charlie robert thomas hockey ranger daniel starwars klaster 112233 george
computer michelle jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger
princess joshua cheese amanda summer love ashley nicole chelsea biteme matthew access yankees 987654321 dallas
austin thunder taylor matrix mobilemail mom monitor monitoring montana moon moscow password1 password123
password12 passw0rd p@ssw0rd p@ssword qwerty123 qwerty1234 qwertyuiop123 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y
1qaz2wsx3edc zaq12wsx zaq1zaq1 qazwsxedc qazwsxedcrfv asdfghjkl asdfghjkl1 zxcvbnm123 iloveyou1 iloveyou2
welcome welcome1 welcome123 admin admin123 admin1234 administrator root toor changeme changeme123 default guest
letmein123 abcd1234 abc12345 abcdef abcdefg abcdefgh 1234abcd a1b2c3d4 a1b2c3d4e5 aa123456 aa12345678
123456a 123456abc 123abc 1234qwer 12qwaszx 147258369 147258 159357 123654 123654789 741852963 963852741
987654321a 0123456789 9876543210 11223344 1122334455 123123123 123456123456 12344321 11111111111 00000000
88888888 66666666 5201314 woaini woaini1314 woaini520 5211314 aini1314 1314520 caonima wodemima mima
sunshine1 football1 baseball1 princess1 monkey123 dragon123 superman1 batman123 shadow123 master123
trustno1! whatever internet secret secret123 test test123 testtest testing test1234 login login123
letmein! hello hello123 helloworld lovely loveme freedom1 flower qwe123 qwe123qwe qweasd qweasdzxc
123qweasd 1qazxsw2 zxcvbnm1 computer1 starwars1 pokemon samsung google linkedin facebook myspace1
beijing shanghai china123 zhongguo
"""
COMMON_PASSWORDS = frozenset(_LISTED.split())
