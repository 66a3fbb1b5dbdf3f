-- SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
-- Wireshark/tshark dissector for NetLord NL-ARP versions 3 and 2 (the
-- address resolution messages of patent Fig. 5, [0027]-[0035]; issue 10
-- item 2, issue 11): the body (44 bytes in version 2; 112 in version 3,
-- whose last 68 carry the VIF's IPv6 addresses) and the 48-byte
-- authentication trailer of docs/wire-format.md section 4, on EtherType
-- 0x88B5 (broadcast copies) and
-- UDP port 24144 (unicast copies).  Use:
--   tshark -X lua_script:docs/wireshark/netlord-nlarp.lua -r capture.pcap -V
-- or copy it into ~/.local/lib/wireshark/plugins/.  Displays fields only;
-- it cannot check the MAC (that needs the fleet key).

local nlarp = Proto("nlarp", "NetLord NL-ARP")

local ops = {[1] = "HERE", [2] = "WHERE", [3] = "NOT-HERE", [4] = "PROBE"}

local f = nlarp.fields
f.version = ProtoField.uint8("nlarp.version", "Version", base.DEC)
f.op = ProtoField.uint8("nlarp.op", "Opcode", base.DEC, ops)
f.flags = ProtoField.uint16("nlarp.flags", "Flags", base.HEX)
f.has_ip = ProtoField.bool("nlarp.flags.has_ip", "HAS_IP", 16, nil, 0x0001)
f.by_ip = ProtoField.bool("nlarp.flags.by_ip", "BY_IP", 16, nil, 0x0002)
f.gone = ProtoField.bool("nlarp.flags.gone", "GONE", 16, nil, 0x0004)
f.reply = ProtoField.bool("nlarp.flags.reply", "REPLY", 16, nil, 0x0008)
f.tenant = ProtoField.uint32("nlarp.tenant", "Tenant ID", base.DEC)
f.mac_as = ProtoField.uint16("nlarp.mac_as", "MAC_AS_ID (PROBE: VLAN)", base.DEC)
f.vif_mac = ProtoField.ether("nlarp.vif_mac", "VIF MAC")
f.vif_ip = ProtoField.ipv4("nlarp.vif_ip", "VIF IPv4")
f.switch_mac = ProtoField.ether("nlarp.switch_mac", "Location: edge switch MAC")
f.port = ProtoField.uint16("nlarp.port", "Location: edge switch port", base.DEC)
f.loc_version = ProtoField.uint64("nlarp.loc_version", "loc_version (PROBE: nonce)", base.DEC)
f.sender_switch_mac = ProtoField.ether("nlarp.sender_switch_mac", "Sender: edge switch MAC")
f.sender_port = ProtoField.uint16("nlarp.sender_port", "Sender: edge switch port", base.DEC)
f.key_id = ProtoField.uint32("nlarp.key_id", "Key ID", base.DEC)
f.auth_flags = ProtoField.uint8("nlarp.auth_flags", "Trailer flags", base.HEX)
f.unicast = ProtoField.bool("nlarp.auth_flags.unicast", "UNICAST", 8, nil, 0x01)
f.reserved = ProtoField.bytes("nlarp.reserved", "Reserved")
f.timestamp = ProtoField.uint64("nlarp.timestamp_ms", "Timestamp (ms since 1970)", base.DEC)
f.time = ProtoField.absolute_time("nlarp.time", "Timestamp", base.UTC)
f.seq = ProtoField.uint64("nlarp.seq", "Sequence number", base.DEC)
f.nonce = ProtoField.bytes("nlarp.nonce", "Nonce")
f.mac = ProtoField.bytes("nlarp.mac", "MAC (HMAC-SHA-256, 16 bytes)")
f.ip6_count = ProtoField.uint8("nlarp.ip6_count", "IPv6 addresses", base.DEC)
f.ip6_reserved = ProtoField.bytes("nlarp.ip6_reserved", "Reserved (IPv6 part)")
f.vif_ip6 = ProtoField.ipv6("nlarp.vif_ip6", "VIF IPv6")

local BODY_V2, IP6_EXT, TRAILER = 44, 68, 48

function nlarp.dissector(buf, pinfo, tree)
	if buf:len() < BODY_V2 then
		return 0
	end
	local BODY = BODY_V2
	if buf(0, 1):uint() == 3 then
		BODY = BODY_V2 + IP6_EXT
	end
	if buf:len() < BODY then
		return 0
	end
	pinfo.cols.protocol = "NL-ARP"
	local t = tree:add(nlarp, buf(0, math.min(buf:len(), BODY + TRAILER)))
	local op = buf(1, 1):uint()
	local flags = buf(2, 2):uint()
	t:add(f.version, buf(0, 1))
	t:add(f.op, buf(1, 1))
	local ft = t:add(f.flags, buf(2, 2))
	ft:add(f.has_ip, buf(2, 2))
	ft:add(f.by_ip, buf(2, 2))
	ft:add(f.gone, buf(2, 2))
	ft:add(f.reply, buf(2, 2))
	t:add(f.tenant, buf(4, 4))
	t:add(f.mac_as, buf(8, 2))
	t:add(f.vif_mac, buf(10, 6))
	t:add(f.vif_ip, buf(16, 4))
	t:add(f.switch_mac, buf(20, 6))
	t:add(f.port, buf(26, 2))
	t:add(f.loc_version, buf(28, 8))
	t:add(f.sender_switch_mac, buf(36, 6))
	t:add(f.sender_port, buf(42, 2))
	local name = ops[op] or "?"
	if op == 1 and bit.band(flags, 4) ~= 0 then name = name .. "+GONE" end
	if bit.band(flags, 8) ~= 0 then name = name .. " REPLY" end
	local info = string.format("%s tenant %u", name, buf(4, 4):uint())
	if BODY > BODY_V2 then
		local n = buf(44, 1):uint()
		local x = t:add(buf(44, IP6_EXT), "IPv6 addresses")
		x:add(f.ip6_count, buf(44, 1))
		x:add(f.ip6_reserved, buf(45, 3))
		for i = 0, math.min(n, 4) - 1 do
			x:add(f.vif_ip6, buf(48 + 16 * i, 16))
		end
		if n > 0 then
			info = info .. string.format(", %u IPv6", n)
		end
	end
	if buf:len() >= BODY + TRAILER then
		local o = BODY
		local a = t:add(buf(BODY, TRAILER), "Authentication trailer")
		a:add(f.key_id, buf(o, 4))
		local af = a:add(f.auth_flags, buf(o + 4, 1))
		af:add(f.unicast, buf(o + 4, 1))
		a:add(f.reserved, buf(o + 5, 3))
		a:add(f.timestamp, buf(o + 8, 8))
		local ms = buf(o + 8, 8):uint64()
		local secs = (ms / 1000):tonumber()
		local nsecs = (ms % 1000):tonumber() * 1000000
		a:add(f.time, buf(o + 8, 8), NSTime.new(secs, nsecs))
		a:add(f.seq, buf(o + 16, 8))
		a:add(f.nonce, buf(o + 24, 8))
		a:add(f.mac, buf(o + 32, 16))
		info = info .. string.format(", key %u, seq %s", buf(o, 4):uint(),
			tostring(buf(o + 16, 8):uint64()))
	else
		t:add_expert_info(PI_MALFORMED, PI_WARN, "no authentication trailer (version 1?)")
	end
	pinfo.cols.info = info
	return math.min(buf:len(), BODY + TRAILER)
end

DissectorTable.get("ethertype"):add(0x88b5, nlarp)
DissectorTable.get("udp.port"):add(24144, nlarp)
