package main

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The commands beyond the first set that client libraries call (redis-py
// has a method for each): float increments, hash and string helpers,
// list edits and moves, set algebra, COPY, EXPIRETIME, OBJECT ENCODING,
// MEMORY USAGE and CONFIG SET. Each step's reply is redis-server 7.0's,
// taken by sending it the same steps on a fresh keyspace; where a reply
// would depend on a set's order, the steps ask for one member or a count.
func TestMoreCommands(t *testing.T) { steps(t, moreSteps) }

var moreSteps = []exchangeStep{
	{"SET f 10.5", "+OK\r\n"},
	{"INCRBYFLOAT f 0.1", "$4\r\n10.6\r\n"},
	{"INCRBYFLOAT f -5", "$3\r\n5.6\r\n"},
	{"INCRBYFLOAT f 5.0e3", "$22\r\n5005.60000000000000009\r\n"},
	{"INCRBYFLOAT nf 3", "$1\r\n3\r\n"},
	{"INCRBYFLOAT f abc", "-ERR value is not a valid float\r\n"},
	{"INCRBYFLOAT f inf", "-ERR increment would produce NaN or Infinity\r\n"},
	{"SET s hello", "+OK\r\n"},
	{"INCRBYFLOAT s 1", "-ERR value is not a valid float\r\n"},
	{"INCRBYFLOAT h 1", "$1\r\n1\r\n"},
	{"SET x 0x10", "+OK\r\n"},
	{"INCRBYFLOAT x 0x1p4", "$2\r\n32\r\n"},
	{"INCRBYFLOAT x \" 1\"", "-ERR value is not a valid float\r\n"},
	{"INCRBYFLOAT x 1e5000", "-ERR value is not a valid float\r\n"},
	{"INCRBYFLOAT x -16", "$2\r\n16\r\n"},
	{"INCRBYFLOAT x -0.0", "$2\r\n16\r\n"},
	{"INCRBYFLOAT x 1.5e-10", "$14\r\n16.00000000015\r\n"},
	{"INCRBYFLOAT x 1_0", "-ERR value is not a valid float\r\n"},
	{"SET x 1e4932", "+OK\r\n"},
	{"INCRBYFLOAT x 1e4932", "-ERR increment would produce NaN or Infinity\r\n"},
	{"INCRBYFLOAT x -1e4932", "$1\r\n0\r\n"},
	{"SET x \"1 \"", "+OK\r\n"},
	{"INCRBYFLOAT x 1", "-ERR value is not a valid float\r\n"},
	{"SET x 3.0", "+OK\r\n"},
	{"INCRBYFLOAT x 0", "$1\r\n3\r\n"},
	{"INCRBYFLOAT x nan", "-ERR value is not a valid float\r\n"},
	{"INCRBYFLOAT x \"\"", "-ERR value is not a valid float\r\n"},
	{"SET x 10", "+OK\r\n"},
	{"EXPIRE x 100", ":1\r\n"},
	{"INCRBYFLOAT x 1", "$2\r\n11\r\n"},
	{"TTL x", ":100\r\n"},
	{"INCRBYFLOAT big 1e308", "$308\r\n99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048\r\n"},
	{"INCRBYFLOAT big 1e308", "$309\r\n199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096\r\n"},
	{"GET big", "$309\r\n199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096\r\n"},
	{"HSET h a 1 b 2.5 c x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HINCRBYFLOAT h b 0.5", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HINCRBYFLOAT h b 1.25", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HINCRBYFLOAT h new 2", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HINCRBYFLOAT h c 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HINCRBYFLOAT h a nope", "-ERR value is not a valid float\r\n"},
	{"HINCRBYFLOAT s a 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HSETNX h a 9", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HSETNX h d 4", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HGET h d", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HSETNX h2 f v", ":1\r\n"},
	{"HSTRLEN h c", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HSTRLEN h zz", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HSTRLEN nokey f", ":0\r\n"},
	{"HSTRLEN s f", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HSETNX s f v", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HVALS s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HKEYS nokey", "*0\r\n"},
	{"HVALS nokey", "*0\r\n"},
	{"HKEYS s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HSET one f v", ":1\r\n"},
	{"HKEYS one", "*1\r\n$1\r\nf\r\n"},
	{"HVALS one", "*1\r\n$1\r\nv\r\n"},
	{"SET g value", "+OK\r\n"},
	{"GETEX g EX 100", "$5\r\nvalue\r\n"},
	{"TTL g", ":100\r\n"},
	{"GETEX g PERSIST", "$5\r\nvalue\r\n"},
	{"TTL g", ":-1\r\n"},
	{"GETEX g PX 5000 EX 10", "-ERR syntax error\r\n"},
	{"GETEX g EX 0", "-ERR invalid expire time in 'getex' command\r\n"},
	{"GETEX g EX x", "-ERR value is not an integer or out of range\r\n"},
	{"GETEX g FOO", "-ERR syntax error\r\n"},
	{"GETEX g EXAT 99999999999", "$5\r\nvalue\r\n"},
	{"EXISTS g", ":1\r\n"},
	{"GETEX g PXAT 99999999999000 PERSIST", "-ERR syntax error\r\n"},
	{"GETEX nokey EX 10", "$-1\r\n"},
	{"GETEX nokey EX x", "$-1\r\n"},
	{"GETEX h EX x", "-ERR value is not an integer or out of range\r\n"},
	{"GETEX g EXAT 1", "$5\r\nvalue\r\n"},
	{"EXISTS g", ":0\r\n"},
	{"SET g value", "+OK\r\n"},
	{"GETEX h", "$1\r\n1\r\n"},
	{"GETEX g", "$5\r\nvalue\r\n"},
	{"SET r \"Hello World\"", "+OK\r\n"},
	{"GETRANGE r 0 4", "$5\r\nHello\r\n"},
	{"GETRANGE r -5 -1", "$5\r\nWorld\r\n"},
	{"GETRANGE r 5 2", "$0\r\n\r\n"},
	{"GETRANGE r 0 100", "$11\r\nHello World\r\n"},
	{"GETRANGE r -100 2", "$3\r\nHel\r\n"},
	{"GETRANGE nokey 0 1", "$0\r\n\r\n"},
	{"GETRANGE r a 1", "-ERR value is not an integer or out of range\r\n"},
	{"GETRANGE h 0 1", "$1\r\n1\r\n"},
	{"SETRANGE r 6 Redis", ":11\r\n"},
	{"GET r", "$11\r\nHello Redis\r\n"},
	{"SETRANGE r 20 x", ":21\r\n"},
	{"GET r", "$21\r\nHello Redis\x00\x00\x00\x00\x00\x00\x00\x00\x00x\r\n"},
	{"SETRANGE nr 2 ab", ":4\r\n"},
	{"GET nr", "$4\r\n\x00\x00ab\r\n"},
	{"SETRANGE nr2 3 \"\"", ":0\r\n"},
	{"EXISTS nr2", ":0\r\n"},
	{"SETRANGE r -1 x", "-ERR offset is out of range\r\n"},
	{"SETRANGE r 536870912 x", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"},
	{"SETRANGE h 0 x", ":1\r\n"},
	{"SETRANGE nokey x a", "-ERR value is not an integer or out of range\r\n"},
	{"SETRANGE h -1 x", "-ERR offset is out of range\r\n"},
	{"SETRANGE nokey 536870912 \"\"", ":0\r\n"},
	{"SETRANGE nokey 536870911 x", ":536870912\r\n"},
	{"EXISTS nokey", ":1\r\n"},
	{"DEL nokey", ":1\r\n"},
	{"SETRANGE r 0 \"\"", ":21\r\n"},
	{"STRLEN r", ":21\r\n"},
	{"RPUSH l a b c d e b b", ":7\r\n"},
	{"LSET l 0 A", "+OK\r\n"},
	{"LSET l -1 Z", "+OK\r\n"},
	{"LSET l 99 x", "-ERR index out of range\r\n"},
	{"LSET nol 0 x", "-ERR no such key\r\n"},
	{"LSET l x y", "-ERR value is not an integer or out of range\r\n"},
	{"LSET nol x y", "-ERR no such key\r\n"},
	{"LSET s 0 y", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"LRANGE l 0 -1", "*7\r\n$1\r\nA\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nb\r\n$1\r\nZ\r\n"},
	{"LREM l 1 b", ":1\r\n"},
	{"LREM l -1 b", ":1\r\n"},
	{"LREM l 0 zz", ":0\r\n"},
	{"LRANGE l 0 -1", "*5\r\n$1\r\nA\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nZ\r\n"},
	{"LREM l 0 b", ":0\r\n"},
	{"LRANGE l 0 -1", "*5\r\n$1\r\nA\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nZ\r\n"},
	{"LREM l x b", "-ERR value is not an integer or out of range\r\n"},
	{"LREM nol 0 a", ":0\r\n"},
	{"LREM nol x a", "-ERR value is not an integer or out of range\r\n"},
	{"LREM s 0 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"LINSERT l BEFORE c X", ":6\r\n"},
	{"LINSERT l AFTER c Y", ":7\r\n"},
	{"LINSERT l AFTER nope Y", ":-1\r\n"},
	{"LINSERT l MIDDLE c Y", "-ERR syntax error\r\n"},
	{"LINSERT nol BEFORE a b", ":0\r\n"},
	{"LINSERT nol MIDDLE a b", "-ERR syntax error\r\n"},
	{"LINSERT s BEFORE a b", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"LRANGE l 0 -1", "*7\r\n$1\r\nA\r\n$1\r\nX\r\n$1\r\nc\r\n$1\r\nY\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nZ\r\n"},
	{"RPUSH p a b c 1 2 3 c c", ":8\r\n"},
	{"LPOS p c", ":2\r\n"},
	{"LPOS p c RANK 2", ":6\r\n"},
	{"LPOS p c RANK -1", ":7\r\n"},
	{"LPOS p c COUNT 2", "*2\r\n:2\r\n:6\r\n"},
	{"LPOS p c COUNT 0", "*3\r\n:2\r\n:6\r\n:7\r\n"},
	{"LPOS p c RANK -1 COUNT 2", "*2\r\n:7\r\n:6\r\n"},
	{"LPOS p c MAXLEN 2", "$-1\r\n"},
	{"LPOS p c COUNT 0 MAXLEN 3", "*1\r\n:2\r\n"},
	{"LPOS p zz", "$-1\r\n"},
	{"LPOS p zz COUNT 1", "*0\r\n"},
	{"LPOS p c RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"},
	{"LPOS p c COUNT -1", "-ERR COUNT can't be negative\r\n"},
	{"LPOS p c MAXLEN -1", "-ERR MAXLEN can't be negative\r\n"},
	{"LPOS p c FOO 1", "-ERR syntax error\r\n"},
	{"LPOS p c RANK", "-ERR syntax error\r\n"},
	{"LPOS nol a", "$-1\r\n"},
	{"LPOS nol a RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"},
	{"LPOS s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"LPOS nol a COUNT 1", "*0\r\n"},
	{"LPOS p c RANK -9223372036854775808", ":7\r\n"},
	{"LTRIM p 1 -2", "+OK\r\n"},
	{"LRANGE p 0 -1", "*6\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\nc\r\n"},
	{"LTRIM p 5 1", "+OK\r\n"},
	{"EXISTS p", ":0\r\n"},
	{"LTRIM nol 0 1", "+OK\r\n"},
	{"LTRIM l a b", "-ERR value is not an integer or out of range\r\n"},
	{"LTRIM s 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"LTRIM nol a b", "-ERR value is not an integer or out of range\r\n"},
	{"RPUSH m1 a b c", ":3\r\n"},
	{"LMOVE m1 m2 LEFT RIGHT", "$1\r\na\r\n"},
	{"LMOVE m1 m2 RIGHT LEFT", "$1\r\nc\r\n"},
	{"LRANGE m2 0 -1", "*2\r\n$1\r\nc\r\n$1\r\na\r\n"},
	{"LMOVE m1 m1 LEFT RIGHT", "$1\r\nb\r\n"},
	{"LRANGE m1 0 -1", "*1\r\n$1\r\nb\r\n"},
	{"LMOVE m1 m2 UP DOWN", "-ERR syntax error\r\n"},
	{"LMOVE nol m2 UP DOWN", "-ERR syntax error\r\n"},
	{"LMOVE s m2 LEFT LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"LMOVE nol s LEFT LEFT", "$-1\r\n"},
	{"LMOVE nol m2 LEFT LEFT", "$-1\r\n"},
	{"LMOVE m1 s LEFT LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"LMOVE m1 m2 LEFT LEFT", "$1\r\nb\r\n"},
	{"EXISTS m1", ":0\r\n"},
	{"RPOPLPUSH m2 m3", "$1\r\na\r\n"},
	{"RPOPLPUSH m2 m2", "$1\r\nc\r\n"},
	{"LRANGE m2 0 -1", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"},
	{"RPOPLPUSH nol m3", "$-1\r\n"},
	{"SADD one1 x", ":1\r\n"},
	{"SRANDMEMBER one1", "$1\r\nx\r\n"},
	{"SRANDMEMBER one1 1", "*1\r\n$1\r\nx\r\n"},
	{"SRANDMEMBER one1 -3", "*3\r\n$1\r\nx\r\n$1\r\nx\r\n$1\r\nx\r\n"},
	{"SRANDMEMBER one1 0", "*0\r\n"},
	{"SRANDMEMBER nos", "$-1\r\n"},
	{"SRANDMEMBER nos 3", "*0\r\n"},
	{"SRANDMEMBER nos x", "-ERR value is not an integer or out of range\r\n"},
	{"SRANDMEMBER s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"SRANDMEMBER one1 x", "-ERR value is not an integer or out of range\r\n"},
	{"SRANDMEMBER one1 1 2", "-ERR syntax error\r\n"},
	{"SADD sa a b c", ":3\r\n"},
	{"SADD sb c d", ":2\r\n"},
	{"SMOVE sa sb a", ":1\r\n"},
	{"SMOVE sa sb a", ":0\r\n"},
	{"SMOVE sa sb zz", ":0\r\n"},
	{"SMOVE nos sb a", ":0\r\n"},
	{"SMOVE sa s c", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"SMOVE nos s c", ":0\r\n"},
	{"SMOVE s sa c", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"SMOVE sa sa b", ":1\r\n"},
	{"SMOVE sa sa zz", ":0\r\n"},
	{"SISMEMBER sb a", ":1\r\n"},
	{"SCARD sa", ":2\r\n"},
	{"SINTER sa sb", "*1\r\n$1\r\nc\r\n"},
	{"SINTER sa nos", "*0\r\n"},
	{"SUNION nos one1", "*1\r\n$1\r\nx\r\n"},
	{"SDIFF sa sb one1", "*1\r\n$1\r\nb\r\n"},
	{"SINTER s sa", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"SINTERSTORE dst sa sb", ":1\r\n"},
	{"SMEMBERS dst", "*1\r\n$1\r\nc\r\n"},
	{"SINTERSTORE dst sa nos", ":0\r\n"},
	{"EXISTS dst", ":0\r\n"},
	{"SUNIONSTORE dst sa sb", ":4\r\n"},
	{"SCARD dst", ":4\r\n"},
	{"SDIFFSTORE dst sb sa", ":2\r\n"},
	{"SCARD dst", ":2\r\n"},
	{"SDIFFSTORE dst nos", ":0\r\n"},
	{"EXISTS dst", ":0\r\n"},
	{"SET dst x", "+OK\r\n"},
	{"SUNIONSTORE dst one1", ":1\r\n"},
	{"TYPE dst", "+set\r\n"},
	{"SINTERSTORE dst s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"FLUSHALL", "+OK\r\n"},
	{"RANDOMKEY", "$-1\r\n"},
	{"SET only v", "+OK\r\n"},
	{"RANDOMKEY", "$4\r\nonly\r\n"},
	{"SET c1 v EX 100", "+OK\r\n"},
	{"COPY c1 c2", ":1\r\n"},
	{"GET c2", "$1\r\nv\r\n"},
	{"TTL c2", ":100\r\n"},
	{"COPY c1 c2", ":0\r\n"},
	{"COPY c1 c2 REPLACE", ":1\r\n"},
	{"COPY nokey c3", ":0\r\n"},
	{"COPY c1 c1", "-ERR source and destination objects are the same\r\n"},
	{"COPY c1 c4 DB 0", ":1\r\n"},
	{"COPY c1 c4 FOO", "-ERR syntax error\r\n"},
	{"COPY c1 c4 DB x", "-ERR value is not an integer or out of range\r\n"},
	{"COPY nokey nokey", "-ERR source and destination objects are the same\r\n"},
	{"RPUSH cl a b", ":2\r\n"},
	{"COPY cl cl2", ":1\r\n"},
	{"RPUSH cl c", ":3\r\n"},
	{"LRANGE cl2 0 -1", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
	{"HSET ch f v", ":1\r\n"},
	{"COPY ch ch2", ":1\r\n"},
	{"HGET ch2 f", "$1\r\nv\r\n"},
	{"ZADD cz 1 a", ":1\r\n"},
	{"COPY cz cz2", ":1\r\n"},
	{"ZRANGE cz2 0 -1 WITHSCORES", "*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
	{"SADD cs a", ":1\r\n"},
	{"COPY cs cs2", ":1\r\n"},
	{"SMEMBERS cs2", "*1\r\n$1\r\na\r\n"},
	{"SET e v", "+OK\r\n"},
	{"EXPIRETIME e", ":-1\r\n"},
	{"PEXPIRETIME e", ":-1\r\n"},
	{"EXPIRETIME nokey", ":-2\r\n"},
	{"PEXPIRETIME nokey", ":-2\r\n"},
	{"EXPIREAT e 99999999999", ":1\r\n"},
	{"EXPIRETIME e", ":99999999999\r\n"},
	{"PEXPIRETIME e", ":99999999999000\r\n"},
	{"PEXPIREAT e 99999999999600", ":1\r\n"},
	{"EXPIRETIME e", ":100000000000\r\n"},
	{"PEXPIREAT e 99999999999123", ":1\r\n"},
	{"EXPIRETIME e", ":99999999999\r\n"},
	{"PEXPIRETIME e", ":99999999999123\r\n"},
	{"SET ei 12345", "+OK\r\n"},
	{"SET es abc", "+OK\r\n"},
	{"SET el aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "+OK\r\n"},
	{"SET eneg -42", "+OK\r\n"},
	{"SET ebig 123456789012345678901", "+OK\r\n"},
	{"OBJECT ENCODING ei", "$3\r\nint\r\n"},
	{"OBJECT ENCODING es", "$6\r\nembstr\r\n"},
	{"OBJECT ENCODING el", "$3\r\nraw\r\n"},
	{"OBJECT ENCODING eneg", "$3\r\nint\r\n"},
	{"OBJECT ENCODING ebig", "$6\r\nembstr\r\n"},
	{"OBJECT ENCODING cl", "$9\r\nquicklist\r\n"},
	{"OBJECT ENCODING ch", "$8\r\nlistpack\r\n"},
	{"OBJECT ENCODING cz", "$8\r\nlistpack\r\n"},
	{"OBJECT ENCODING cs", "$9\r\nhashtable\r\n"},
	{"SADD si 1 2 3", ":3\r\n"},
	{"OBJECT ENCODING si", "$6\r\nintset\r\n"},
	{"OBJECT ENCODING nokey", "$-1\r\n"},
	{"OBJECT ENCODING", "-ERR wrong number of arguments for 'object|encoding' command\r\n"},
	{"OBJECT FOO", "-ERR unknown subcommand 'FOO'. Try OBJECT HELP.\r\n"},
	{"MEMORY USAGE nokey", "$-1\r\n"},
	{"MEMORY USAGE ei SAMPLES", "-ERR syntax error\r\n"},
	{"MEMORY USAGE ei FOO 1", "-ERR syntax error\r\n"},
	{"MEMORY USAGE ei SAMPLES x", "-ERR value is not an integer or out of range\r\n"},
	{"MEMORY FOO", "-ERR unknown subcommand 'FOO'. Try MEMORY HELP.\r\n"},
	{"CONFIG SET maxmemory 1gb", "+OK\r\n"},
	{"CONFIG GET maxmemory", "*2\r\n$9\r\nmaxmemory\r\n$10\r\n1073741824\r\n"},
	{"CONFIG SET maxmemory 100", "+OK\r\n"},
	{"CONFIG GET maxmemory", "*2\r\n$9\r\nmaxmemory\r\n$3\r\n100\r\n"},
	{"CONFIG SET maxmemory xyz", "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n"},
	{"CONFIG SET save \"\"", "+OK\r\n"},
	{"CONFIG SET appendonly no", "+OK\r\n"},
	{"CONFIG SET appendonly maybe", "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'\r\n"},
	{"CONFIG SET databases 2", "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n"},
	{"CONFIG SET nosuch 1", "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n"},
	{"CONFIG SET maxmemory", "-ERR wrong number of arguments for 'config|set' command\r\n"},
	{"CONFIG SET maxmemory 1 save", "-ERR syntax error\r\n"},
	{"CONFIG SET maxmemory 0 maxmemory 1", "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter\r\n"},
	{"CONFIG SET maxmemory 0", "+OK\r\n"},
	{"CONFIG GET maxmemory", "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"},
	{"TIME 1", "-ERR wrong number of arguments for 'time' command\r\n"},
	{"OBJECT ENCODING s", "$-1\r\n"},
	{"OBJECT HELP x", "-ERR wrong number of arguments for 'object|help' command\r\n"},
	{"MEMORY USAGE", "-ERR wrong number of arguments for 'memory|usage' command\r\n"},
	{"EXPIRETIME s", ":-2\r\n"},
	{"RANDOMKEY x", "-ERR wrong number of arguments for 'randomkey' command\r\n"},
}

// The new commands' table entries are redis-server 7.0's COMMAND INFO:
// arity, flags and key positions, which cluster clients and redis-cli
// read.
func TestMoreCommandsTable(t *testing.T) {
	want := []command{
		{name: "time", arity: 1, flags: []string{"loading", "stale", "fast"}},
		{name: "incrbyfloat", arity: 3, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1},
		{name: "hincrbyfloat", arity: 4, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1},
		{name: "hkeys", arity: 2, flags: []string{"readonly"}, first: 1, last: 1, step: 1},
		{name: "hvals", arity: 2, flags: []string{"readonly"}, first: 1, last: 1, step: 1},
		{name: "hsetnx", arity: 4, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1},
		{name: "hstrlen", arity: 3, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1},
		{name: "getex", arity: -2, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1},
		{name: "getrange", arity: 4, flags: []string{"readonly"}, first: 1, last: 1, step: 1},
		{name: "setrange", arity: 4, flags: []string{"write", "denyoom"}, first: 1, last: 1, step: 1},
		{name: "lset", arity: 4, flags: []string{"write", "denyoom"}, first: 1, last: 1, step: 1},
		{name: "ltrim", arity: 4, flags: []string{"write"}, first: 1, last: 1, step: 1},
		{name: "lrem", arity: 4, flags: []string{"write"}, first: 1, last: 1, step: 1},
		{name: "linsert", arity: 5, flags: []string{"write", "denyoom"}, first: 1, last: 1, step: 1},
		{name: "lpos", arity: -3, flags: []string{"readonly"}, first: 1, last: 1, step: 1},
		{name: "lmove", arity: 5, flags: []string{"write", "denyoom"}, first: 1, last: 2, step: 1},
		{name: "rpoplpush", arity: 3, flags: []string{"write", "denyoom"}, first: 1, last: 2, step: 1},
		{name: "srandmember", arity: -2, flags: []string{"readonly"}, first: 1, last: 1, step: 1},
		{name: "smove", arity: 4, flags: []string{"write", "fast"}, first: 1, last: 2, step: 1},
		{name: "sinter", arity: -2, flags: []string{"readonly"}, first: 1, last: -1, step: 1},
		{name: "sunion", arity: -2, flags: []string{"readonly"}, first: 1, last: -1, step: 1},
		{name: "sdiff", arity: -2, flags: []string{"readonly"}, first: 1, last: -1, step: 1},
		{name: "sinterstore", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: -1, step: 1},
		{name: "sunionstore", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: -1, step: 1},
		{name: "sdiffstore", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: -1, step: 1},
		{name: "randomkey", arity: 1, flags: []string{"readonly"}},
		{name: "copy", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: 2, step: 1},
		{name: "expiretime", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1},
		{name: "pexpiretime", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1},
		{name: "object", arity: -2, flags: []string{}},
		{name: "memory", arity: -2, flags: []string{}},
		{name: "object|encoding", arity: 3, flags: []string{"readonly"}, first: 2, last: 2, step: 1},
		{name: "memory|usage", arity: -3, flags: []string{"readonly"}, first: 2, last: 2, step: 1},
		{name: "config|set", arity: -4, flags: []string{"admin", "noscript", "loading", "stale"}},
		{name: "publish", arity: 3, flags: []string{"pubsub", "loading", "stale", "fast"}},
		{name: "subscribe", arity: -2, flags: []string{"pubsub", "noscript", "loading", "stale"}},
		{name: "unsubscribe", arity: -1, flags: []string{"pubsub", "noscript", "loading", "stale"}},
		{name: "psubscribe", arity: -2, flags: []string{"pubsub", "noscript", "loading", "stale"}},
		{name: "punsubscribe", arity: -1, flags: []string{"pubsub", "noscript", "loading", "stale"}},
		{name: "pubsub", arity: -2, flags: []string{}},
		{name: "pubsub|channels", arity: -2, flags: []string{"pubsub", "loading", "stale"}},
		{name: "pubsub|numsub", arity: -2, flags: []string{"pubsub", "loading", "stale"}},
		{name: "pubsub|numpat", arity: 2, flags: []string{"pubsub", "loading", "stale"}},
		{name: "blpop", arity: -3, flags: []string{"write", "noscript", "blocking"}, first: 1, last: -2, step: 1},
		{name: "brpop", arity: -3, flags: []string{"write", "noscript", "blocking"}, first: 1, last: -2, step: 1},
		{name: "blmove", arity: 6, flags: []string{"write", "denyoom", "noscript", "blocking"}, first: 1, last: 2, step: 1},
		{name: "brpoplpush", arity: 4, flags: []string{"write", "denyoom", "noscript", "blocking"}, first: 1, last: 2, step: 1},
	}
	for _, w := range want {
		parent, sub, isSub := strings.Cut(w.name, "|")
		got := commands[parent]
		if isSub && got != nil {
			got = got.subs[sub]
		}
		if got == nil {
			t.Errorf("%s: not in the table", w.name)
			continue
		}
		if got.name != w.name || got.arity != w.arity || !slices.Equal(got.flags, w.flags) ||
			got.first != w.first || got.last != w.last || got.step != w.step {
			t.Errorf("%s: %d %q %d %d %d, want %d %q %d %d %d", w.name, got.arity, got.flags, got.first, got.last, got.step,
				w.arity, w.flags, w.first, w.last, w.step)
		}
	}
}

// What differs from redis-server by design: one database (COPY ... DB 1
// is refused as SELECT 1 is), no persistence (CONFIG SET can turn none
// on), and TIME, whose reply is two integers as bulk strings.
func TestMoreCommandsOwnAnswers(t *testing.T) {
	wire(t, "SET a v\r\nCOPY a b DB 1\r\nCOPY a a DB 1\r\nCONFIG SET appendonly yes\r\nCONFIG SET save \"3600 1\"\r\nCONFIG GET appendonly\r\n",
		"+OK\r\n-ERR DB index is out of range\r\n-ERR DB index is out of range\r\n"+
			"-ERR CONFIG SET failed (possibly related to argument 'appendonly') - this server keeps no append only file\r\n"+
			"-ERR CONFIG SET failed (possibly related to argument 'save') - this server does not save\r\n"+
			"*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n")
	got := exchange(t, startTest(t, defaultLimits), "TIME\r\n")
	m := regexp.MustCompile(`^\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n(\d+)\r\n$`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("TIME: %q", got)
	}
	if us, _ := strconv.Atoi(m[2]); us >= 1e6 {
		t.Errorf("TIME: microseconds %d", us)
	}
}

// MEMORY USAGE is an estimate of what a key takes, growing with its
// value, for every type; redis-cli --memkeys, which asks it for each key
// SCAN lists, reports those sizes.
func TestMemoryUsage(t *testing.T) {
	addr := startTest(t, defaultLimits)
	exchange(t, addr, "SET s1 x\r\nSET s2 "+strings.Repeat("x", 1000)+"\r\nRPUSH l1 a\r\nRPUSH l2 "+strings.Repeat("a ", 100)+"\r\n"+
		"HSET h1 f v\r\nSADD t1 m\r\nZADD z1 1 m\r\n")
	size := func(key string) int {
		got := exchange(t, addr, "MEMORY USAGE "+key+"\r\n")
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(got, ":"), "\r\n"))
		if err != nil || n <= 0 {
			t.Fatalf("MEMORY USAGE %s: %q", key, got)
		}
		return n
	}
	for _, k := range []string{"h1", "t1", "z1"} {
		size(k)
	}
	if s1, s2 := size("s1"), size("s2"); s2 < s1+1000 {
		t.Errorf("MEMORY USAGE of a 1-byte string %d, of a 1000-byte one %d", s1, s2)
	}
	if l1, l2 := size("l1"), size("l2"); l2 <= l1+100 {
		t.Errorf("MEMORY USAGE of a 1-element list %d, of a 100-element one %d", l1, l2)
	}
	need(t, "redis-cli", "redis-tools")
	h, p := hostPort(t, addr)
	out := run(t, "", "redis-cli", "-h", h, "-p", p, "--memkeys")
	for _, want := range []string{`Biggest string found '"s2"' has [1-9]\d* bytes`, `Biggest   list found '"l2"' has [1-9]\d* bytes`,
		`2 strings with [1-9]\d* bytes`, `2 lists with [1-9]\d* bytes`, `1 hashs with [1-9]\d* bytes`,
		`1 sets with [1-9]\d* bytes`, `1 zsets with [1-9]\d* bytes`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("redis-cli --memkeys: no %q in\n%s", want, out)
		}
	}
}

// redis-py's methods for the same commands (testdata/redispy_more.py,
// which passes against redis-server 7.0 too).
func TestRedisPyMoreCommands(t *testing.T) {
	runRedisPy(t, "testdata/redispy_more.py")
}
