-- Generated from schema/xcat-schema.json by `cargo run -p xcat-schema --bin gen-migrations`.
-- Do not edit; a test checks this file is up to date.
-- PostgreSQL: existing stock tables are accepted as they are (IF NOT EXISTS);
-- missing columns are added at every start (ALTER TABLE ... ADD), nothing is dropped.

CREATE TABLE IF NOT EXISTS statelite (
  "node" VARCHAR(128)  NOT NULL,
  "image" TEXT,
  "statemnt" TEXT NOT NULL,
  "mntopts" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS domain (
  "node" VARCHAR(128) ,
  "ou" TEXT,
  "authdomain" TEXT,
  "adminuser" TEXT,
  "adminpassword" TEXT,
  "type" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS kvm_nodedata (
  "node" VARCHAR(128)  NOT NULL,
  "xml" VARCHAR(16000),
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS kvm_masterdata (
  "name" VARCHAR(128) ,
  "xml" VARCHAR(16000),
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("name")
);

CREATE TABLE IF NOT EXISTS litetree (
  "priority" VARCHAR(128)  NOT NULL,
  "image" TEXT,
  "directory" TEXT NOT NULL,
  "mntopts" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("priority")
);

CREATE TABLE IF NOT EXISTS litefile (
  "image" VARCHAR(128)  NOT NULL,
  "file" VARCHAR(128)  NOT NULL,
  "options" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("image","file")
);

CREATE TABLE IF NOT EXISTS vmmaster (
  "name" VARCHAR(128) ,
  "os" TEXT,
  "arch" TEXT,
  "profile" TEXT,
  "storage" TEXT,
  "storagemodel" TEXT,
  "nics" TEXT,
  "vintage" TEXT,
  "originator" TEXT,
  "virttype" TEXT,
  "specializeparameters" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("name")
);

CREATE TABLE IF NOT EXISTS vm (
  "node" VARCHAR(128) ,
  "mgr" TEXT,
  "host" TEXT,
  "migrationdest" TEXT,
  "storage" TEXT,
  "storagemodel" TEXT,
  "storagecache" TEXT,
  "storageformat" TEXT,
  "cfgstore" TEXT,
  "memory" TEXT,
  "cpus" TEXT,
  "nics" TEXT,
  "nicmodel" TEXT,
  "bootorder" TEXT,
  "clockoffset" TEXT,
  "virtflags" TEXT,
  "master" TEXT,
  "vncport" TEXT,
  "textconsole" TEXT,
  "powerstate" TEXT,
  "beacon" TEXT,
  "datacenter" TEXT,
  "cluster" TEXT,
  "guestostype" TEXT,
  "othersettings" TEXT,
  "physlots" TEXT,
  "vidmodel" TEXT,
  "vidproto" TEXT,
  "vidpassword" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS hypervisor (
  "node" VARCHAR(128) ,
  "type" TEXT,
  "mgr" TEXT,
  "interface" TEXT,
  "netmap" TEXT,
  "defaultnet" TEXT,
  "cluster" TEXT,
  "datacenter" TEXT,
  "preferdirect" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS virtsd (
  "node" VARCHAR(128) ,
  "sdtype" TEXT,
  "stype" TEXT,
  "location" TEXT,
  "host" TEXT,
  "cluster" TEXT,
  "datacenter" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS storage (
  "node" VARCHAR(128) ,
  "osvolume" TEXT,
  "size" TEXT,
  "state" TEXT,
  "storagepool" TEXT,
  "hypervisor" TEXT,
  "fcprange" TEXT,
  "volumetag" TEXT,
  "type" TEXT,
  "controller" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS websrv (
  "node" VARCHAR(128) ,
  "port" TEXT,
  "username" TEXT,
  "password" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS boottarget (
  "bprofile" VARCHAR(128) ,
  "kernel" TEXT,
  "initrd" TEXT,
  "kcmdline" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("bprofile")
);

CREATE TABLE IF NOT EXISTS bootparams (
  "node" VARCHAR(128) ,
  "kernel" TEXT,
  "initrd" TEXT,
  "kcmdline" TEXT,
  "addkcmdline" TEXT,
  "dhcpstatements" TEXT,
  "adddhcpstatements" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS prodkey (
  "node" VARCHAR(128) ,
  "product" VARCHAR(128) ,
  "key" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node","product")
);

CREATE TABLE IF NOT EXISTS chain (
  "node" VARCHAR(128) ,
  "currstate" TEXT,
  "currchain" TEXT,
  "chain" TEXT,
  "ondiscover" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS deps (
  "node" VARCHAR(128)  NOT NULL,
  "nodedep" TEXT,
  "msdelay" TEXT,
  "cmd" VARCHAR(128)  NOT NULL,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node","cmd")
);

CREATE TABLE IF NOT EXISTS hosts (
  "node" VARCHAR(128) ,
  "ip" TEXT,
  "hostnames" TEXT,
  "otherinterfaces" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS ipmi (
  "node" VARCHAR(128) ,
  "bmc" TEXT,
  "bmcport" TEXT,
  "taggedvlan" TEXT,
  "bmcid" TEXT,
  "username" TEXT,
  "password" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS openbmc (
  "node" VARCHAR(128) ,
  "bmc" TEXT,
  "consport" TEXT,
  "taggedvlan" TEXT,
  "username" TEXT,
  "password" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS iscsi (
  "node" VARCHAR(128) ,
  "server" TEXT,
  "target" TEXT,
  "lun" TEXT,
  "iname" TEXT,
  "file" TEXT,
  "userid" TEXT,
  "passwd" TEXT,
  "kernel" TEXT,
  "kcmdline" TEXT,
  "initrd" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS mac (
  "node" VARCHAR(128) ,
  "interface" TEXT,
  "mac" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS monitoring (
  "name" VARCHAR(128)  NOT NULL,
  "nodestatmon" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("name")
);

CREATE TABLE IF NOT EXISTS monsetting (
  "name" VARCHAR(128)  NOT NULL,
  "key" VARCHAR(128)  NOT NULL,
  "value" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("name","key")
);

CREATE TABLE IF NOT EXISTS mp (
  "node" VARCHAR(128) ,
  "mpa" TEXT,
  "id" TEXT,
  "nodetype" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS mpa (
  "mpa" VARCHAR(128) ,
  "username" VARCHAR(128) ,
  "password" TEXT,
  "displayname" TEXT,
  "slots" TEXT,
  "urlpath" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("mpa","username")
);

CREATE TABLE IF NOT EXISTS networks (
  "netname" TEXT,
  "net" VARCHAR(128) ,
  "mask" VARCHAR(128) ,
  "mgtifname" TEXT,
  "gateway" TEXT,
  "dhcpserver" TEXT,
  "tftpserver" TEXT,
  "nameservers" TEXT,
  "ntpservers" TEXT,
  "logservers" TEXT,
  "dynamicrange" TEXT,
  "staticrange" TEXT,
  "staticrangeincrement" TEXT,
  "nodehostname" TEXT,
  "ddnsdomain" TEXT,
  "vlanid" TEXT,
  "domain" TEXT,
  "mtu" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("net","mask")
);

CREATE TABLE IF NOT EXISTS nodegroup (
  "groupname" VARCHAR(128) ,
  "grouptype" TEXT,
  "members" TEXT,
  "membergroups" TEXT,
  "wherevals" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("groupname")
);

CREATE TABLE IF NOT EXISTS nodehm (
  "node" VARCHAR(128) ,
  "power" TEXT,
  "mgt" TEXT,
  "cons" TEXT,
  "termserver" TEXT,
  "termport" TEXT,
  "conserver" TEXT,
  "serialport" TEXT,
  "serialspeed" TEXT,
  "serialflow" TEXT,
  "getmac" TEXT,
  "cmdmapping" TEXT,
  "consoleondemand" TEXT,
  "consoleenabled" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS nodelist (
  "node" VARCHAR(128) ,
  "groups" TEXT,
  "status" TEXT,
  "statustime" TEXT,
  "appstatus" TEXT,
  "appstatustime" TEXT,
  "primarysn" TEXT,
  "hidden" TEXT,
  "updatestatus" TEXT,
  "updatestatustime" TEXT,
  "zonename" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS nodepos (
  "node" VARCHAR(128) ,
  "rack" TEXT,
  "u" TEXT,
  "chassis" TEXT,
  "slot" TEXT,
  "room" TEXT,
  "height" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS noderes (
  "node" VARCHAR(128) ,
  "servicenode" TEXT,
  "netboot" TEXT,
  "tftpserver" TEXT,
  "tftpdir" TEXT,
  "nfsserver" TEXT,
  "monserver" TEXT,
  "nfsdir" TEXT,
  "installnic" TEXT,
  "primarynic" TEXT,
  "discoverynics" TEXT,
  "cmdinterface" TEXT,
  "xcatmaster" TEXT,
  "current_osimage" TEXT,
  "next_osimage" TEXT,
  "nimserver" TEXT,
  "routenames" TEXT,
  "nameservers" TEXT,
  "proxydhcp" TEXT,
  "syslog" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS pdu (
  "node" VARCHAR(128) ,
  "nodetype" TEXT,
  "pdutype" TEXT,
  "outlet" TEXT,
  "username" TEXT,
  "password" TEXT,
  "snmpversion" TEXT,
  "community" TEXT,
  "snmpuser" TEXT,
  "authtype" TEXT,
  "authkey" TEXT,
  "privtype" TEXT,
  "privkey" TEXT,
  "seclevel" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS switches (
  "switch" VARCHAR(128) ,
  "snmpversion" TEXT,
  "username" TEXT,
  "password" TEXT,
  "privacy" TEXT,
  "auth" TEXT,
  "linkports" TEXT,
  "sshusername" TEXT,
  "sshpassword" TEXT,
  "protocol" TEXT,
  "switchtype" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("switch")
);

CREATE TABLE IF NOT EXISTS nodetype (
  "node" VARCHAR(128) ,
  "os" TEXT,
  "arch" TEXT,
  "profile" TEXT,
  "provmethod" TEXT,
  "supportedarchs" TEXT,
  "nodetype" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS notification (
  "filename" VARCHAR(128)  NOT NULL,
  "tables" TEXT NOT NULL,
  "tableops" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("filename")
);

CREATE TABLE IF NOT EXISTS osimage (
  "imagename" VARCHAR(128) ,
  "groups" TEXT,
  "profile" TEXT,
  "imagetype" TEXT,
  "description" TEXT,
  "provmethod" TEXT,
  "rootfstype" TEXT,
  "nfsrootopts" TEXT,
  "osdistroname" TEXT,
  "osupdatename" VARCHAR(1024),
  "cfmdir" TEXT,
  "osname" TEXT,
  "osvers" TEXT,
  "osarch" TEXT,
  "synclists" TEXT,
  "postscripts" TEXT,
  "postbootscripts" TEXT,
  "serverrole" TEXT,
  "isdeletable" TEXT,
  "kitcomponents" TEXT,
  "environvar" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("imagename")
);

CREATE TABLE IF NOT EXISTS linuximage (
  "imagename" VARCHAR(128) ,
  "template" TEXT,
  "boottarget" TEXT,
  "addkcmdline" TEXT,
  "pkglist" TEXT,
  "pkgdir" TEXT,
  "otherpkglist" TEXT,
  "otherpkgdir" TEXT,
  "exlist" TEXT,
  "postinstall" TEXT,
  "rootimgdir" TEXT,
  "kerneldir" TEXT,
  "nodebootif" TEXT,
  "otherifce" TEXT,
  "netdrivers" TEXT,
  "kernelver" TEXT,
  "krpmver" TEXT,
  "permission" TEXT,
  "dump" TEXT,
  "crashkernelsize" TEXT,
  "partitionfile" TEXT,
  "driverupdatesrc" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("imagename")
);

CREATE TABLE IF NOT EXISTS winimage (
  "imagename" VARCHAR(128) ,
  "template" TEXT,
  "installto" TEXT,
  "partitionfile" TEXT,
  "winpepath" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("imagename")
);

CREATE TABLE IF NOT EXISTS passwd (
  "key" VARCHAR(128) ,
  "username" VARCHAR(128) ,
  "password" TEXT,
  "cryptmethod" TEXT,
  "authdomain" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("key","username")
);

CREATE TABLE IF NOT EXISTS policy (
  "priority" VARCHAR(128) ,
  "name" TEXT,
  "host" TEXT,
  "commands" TEXT,
  "noderange" TEXT,
  "parameters" TEXT,
  "time" TEXT,
  "rule" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("priority")
);

CREATE TABLE IF NOT EXISTS postscripts (
  "node" VARCHAR(128) ,
  "postscripts" TEXT,
  "postbootscripts" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS ppc (
  "node" VARCHAR(128) ,
  "hcp" TEXT,
  "id" TEXT,
  "pprofile" TEXT,
  "parent" TEXT,
  "nodetype" TEXT,
  "supernode" TEXT,
  "sfp" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS ppcdirect (
  "hcp" VARCHAR(128) ,
  "username" VARCHAR(128) ,
  "password" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("hcp","username")
);

CREATE TABLE IF NOT EXISTS ppchcp (
  "hcp" VARCHAR(128) ,
  "username" TEXT,
  "password" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("hcp")
);

CREATE TABLE IF NOT EXISTS servicenode (
  "node" VARCHAR(128) ,
  "nameserver" TEXT,
  "dhcpserver" TEXT,
  "tftpserver" TEXT,
  "nfsserver" TEXT,
  "conserver" TEXT,
  "monserver" TEXT,
  "ldapserver" TEXT,
  "ntpserver" TEXT,
  "ftpserver" TEXT,
  "nimserver" TEXT,
  "ipforward" TEXT,
  "dhcpinterfaces" TEXT,
  "proxydhcp" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS site (
  "key" VARCHAR(128) ,
  "value" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("key")
);

CREATE TABLE IF NOT EXISTS pduoutlet (
  "node" VARCHAR(128) ,
  "pdu" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS switch (
  "node" VARCHAR(128) ,
  "switch" VARCHAR(128) ,
  "port" VARCHAR(128) ,
  "vlan" TEXT,
  "interface" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node","switch","port")
);

CREATE TABLE IF NOT EXISTS vpd (
  "node" VARCHAR(128) ,
  "serial" TEXT,
  "mtm" TEXT,
  "side" TEXT,
  "asset" TEXT,
  "uuid" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS nimimage (
  "imagename" VARCHAR(128) ,
  "nimtype" TEXT,
  "lpp_source" TEXT,
  "spot" TEXT,
  "root" TEXT,
  "dump" TEXT,
  "paging" TEXT,
  "resolv_conf" TEXT,
  "tmp" TEXT,
  "home" TEXT,
  "shared_home" TEXT,
  "res_group" TEXT,
  "nimmethod" TEXT,
  "script" TEXT,
  "bosinst_data" TEXT,
  "installp_bundle" TEXT,
  "mksysb" TEXT,
  "fb_script" TEXT,
  "shared_root" TEXT,
  "otherpkgs" TEXT,
  "image_data" TEXT,
  "configdump" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("imagename")
);

CREATE TABLE IF NOT EXISTS performance (
  "timestamp" VARCHAR(128) ,
  "node" VARCHAR(128) ,
  "attrname" VARCHAR(128) ,
  "attrvalue" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("timestamp","node","attrname")
);

CREATE TABLE IF NOT EXISTS zone (
  "zonename" VARCHAR(128) ,
  "sshkeydir" TEXT,
  "sshbetweennodes" TEXT,
  "defaultzone" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("zonename")
);

CREATE TABLE IF NOT EXISTS eventlog (
  "recid" SERIAL,
  "eventtime" TEXT,
  "eventtype" TEXT,
  "monitor" TEXT,
  "monnode" TEXT,
  "node" TEXT,
  "application" TEXT,
  "component" TEXT,
  "id" TEXT,
  "severity" TEXT,
  "message" TEXT,
  "rawdata" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("recid")
);

CREATE TABLE IF NOT EXISTS auditlog (
  "recid" SERIAL,
  "audittime" TEXT,
  "userid" TEXT,
  "clientname" TEXT,
  "clienttype" TEXT,
  "command" TEXT,
  "noderange" TEXT,
  "args" TEXT,
  "status" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("recid")
);

CREATE TABLE IF NOT EXISTS prescripts (
  "node" VARCHAR(128) ,
  "begin" TEXT,
  "end" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS routes (
  "routename" VARCHAR(128) ,
  "net" TEXT,
  "mask" TEXT,
  "gateway" TEXT,
  "ifname" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("routename")
);

CREATE TABLE IF NOT EXISTS zvmivp (
  "id" VARCHAR(128) ,
  "ip" TEXT,
  "schedule" TEXT,
  "last_run" TEXT,
  "type_of_run" TEXT,
  "access_user" TEXT,
  "orch_parms" TEXT,
  "prep_parms" TEXT,
  "main_ivp_parms" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("id")
);

CREATE TABLE IF NOT EXISTS zvm (
  "node" VARCHAR(128) ,
  "hcp" TEXT,
  "userid" TEXT,
  "nodetype" TEXT,
  "parent" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  "discovered" TEXT,
  "status" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS firmware (
  "node" VARCHAR(128)  NOT NULL,
  "cfgfile" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS nics (
  "node" VARCHAR(128) ,
  "nicips" TEXT,
  "nichostnamesuffixes" TEXT,
  "nichostnameprefixes" TEXT,
  "nictypes" TEXT,
  "niccustomscripts" TEXT,
  "nicnetworks" TEXT,
  "nicaliases" TEXT,
  "nicextraparams" TEXT,
  "nicdevices" TEXT,
  "nicsadapter" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS rack (
  "rackname" VARCHAR(128) ,
  "displayname" TEXT,
  "num" TEXT,
  "height" TEXT,
  "room" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("rackname")
);

CREATE TABLE IF NOT EXISTS osdistro (
  "osdistroname" VARCHAR(128) ,
  "basename" TEXT,
  "majorversion" TEXT,
  "minorversion" TEXT,
  "arch" TEXT,
  "type" TEXT,
  "dirpaths" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("osdistroname")
);

CREATE TABLE IF NOT EXISTS osdistroupdate (
  "osupdatename" VARCHAR(128) ,
  "osdistroname" TEXT,
  "dirpath" TEXT,
  "downloadtime" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("osupdatename")
);

CREATE TABLE IF NOT EXISTS kit (
  "kitname" VARCHAR(128) ,
  "basename" TEXT,
  "description" TEXT,
  "version" TEXT,
  "release" TEXT,
  "ostype" TEXT,
  "isinternal" TEXT,
  "kitdeployparams" TEXT,
  "kitdir" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("kitname")
);

CREATE TABLE IF NOT EXISTS kitrepo (
  "kitreponame" VARCHAR(128) ,
  "kitname" TEXT,
  "osbasename" TEXT,
  "osmajorversion" TEXT,
  "osminorversion" TEXT,
  "osarch" TEXT,
  "compat_osbasenames" TEXT,
  "kitrepodir" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("kitreponame")
);

CREATE TABLE IF NOT EXISTS kitcomponent (
  "kitcompname" VARCHAR(128) ,
  "description" TEXT,
  "kitname" TEXT,
  "kitreponame" TEXT,
  "basename" TEXT,
  "version" TEXT,
  "release" TEXT,
  "serverroles" TEXT,
  "kitpkgdeps" TEXT,
  "prerequisite" TEXT,
  "driverpacks" TEXT,
  "kitcompdeps" TEXT,
  "postbootscripts" TEXT,
  "genimage_postinstall" TEXT,
  "exlist" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("kitcompname")
);

CREATE TABLE IF NOT EXISTS discoverydata (
  "uuid" VARCHAR(128) ,
  "node" TEXT,
  "method" TEXT,
  "discoverytime" TEXT,
  "arch" TEXT,
  "cpucount" TEXT,
  "cputype" TEXT,
  "memory" TEXT,
  "mtm" TEXT,
  "serial" TEXT,
  "nicdriver" TEXT,
  "nicipv4" TEXT,
  "nichwaddr" TEXT,
  "nicpci" TEXT,
  "nicloc" TEXT,
  "niconboard" TEXT,
  "nicfirm" TEXT,
  "switchname" TEXT,
  "switchaddr" TEXT,
  "switchdesc" TEXT,
  "switchport" TEXT,
  "otherdata" VARCHAR(2048),
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("uuid")
);

CREATE TABLE IF NOT EXISTS cfgmgt (
  "node" VARCHAR(128) ,
  "cfgmgr" TEXT,
  "cfgserver" TEXT,
  "roles" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS mic (
  "node" VARCHAR(128) ,
  "host" TEXT,
  "id" TEXT,
  "nodetype" TEXT,
  "bridge" TEXT,
  "onboot" TEXT,
  "vlog" TEXT,
  "powermgt" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS hwinv (
  "node" VARCHAR(128) ,
  "cputype" TEXT,
  "cpucount" TEXT,
  "memory" TEXT,
  "disksize" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);

CREATE TABLE IF NOT EXISTS token (
  "tokenid" VARCHAR(128) ,
  "username" TEXT,
  "expire" TEXT,
  "created" TEXT,
  "access" TEXT,
  "comments" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("tokenid")
);

CREATE TABLE IF NOT EXISTS taskstate (
  "node" VARCHAR(128) ,
  "command" TEXT,
  "state" TEXT,
  "pid" TEXT,
  "reserve" TEXT,
  "disable" TEXT,
  PRIMARY KEY ("node")
);
