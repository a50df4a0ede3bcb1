-- Generated from schema/xcat-schema.json by `cargo run -p xcat-schema --bin gen-migrations`.
-- Do not edit; a test checks this file is up to date.
-- DB2: for reference only. DB2 cannot run here and xcatd-rs does not connect to
-- DB2; the text is what stock xCAT runs (tested against the schema JSON).

CREATE TABLE statelite (
  "node" VARCHAR(128) NOT NULL ,
  "image" varchar(512),
  "statemnt" varchar(512) NOT NULL,
  "mntopts" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE domain (
  "node" VARCHAR(128) NOT NULL ,
  "ou" varchar(512),
  "authdomain" varchar(512),
  "adminuser" varchar(512),
  "adminpassword" varchar(512),
  "type" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE kvm_nodedata (
  "node" VARCHAR(128) NOT NULL ,
  "xml" VARCHAR(16000),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE kvm_masterdata (
  "name" VARCHAR(128) NOT NULL ,
  "xml" VARCHAR(16000),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("name")
);

CREATE TABLE litetree (
  "priority" VARCHAR(128) NOT NULL ,
  "image" varchar(512),
  "directory" varchar(512) NOT NULL,
  "mntopts" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("priority")
);

CREATE TABLE litefile (
  "image" VARCHAR(128) NOT NULL ,
  "file" VARCHAR(128) NOT NULL ,
  "options" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("image","file")
);

CREATE TABLE vmmaster (
  "name" VARCHAR(128) NOT NULL ,
  "os" varchar(512),
  "arch" varchar(512),
  "profile" varchar(512),
  "storage" varchar(512),
  "storagemodel" varchar(512),
  "nics" varchar(512),
  "vintage" varchar(512),
  "originator" varchar(512),
  "virttype" varchar(512),
  "specializeparameters" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("name")
);

CREATE TABLE vm (
  "node" VARCHAR(128) NOT NULL ,
  "mgr" varchar(512),
  "host" varchar(512),
  "migrationdest" varchar(512),
  "storage" varchar(512),
  "storagemodel" varchar(512),
  "storagecache" varchar(512),
  "storageformat" varchar(512),
  "cfgstore" varchar(512),
  "memory" varchar(512),
  "cpus" varchar(512),
  "nics" varchar(512),
  "nicmodel" varchar(512),
  "bootorder" varchar(512),
  "clockoffset" varchar(512),
  "virtflags" varchar(512),
  "master" varchar(512),
  "vncport" varchar(512),
  "textconsole" varchar(512),
  "powerstate" varchar(512),
  "beacon" varchar(512),
  "datacenter" varchar(512),
  "cluster" varchar(512),
  "guestostype" varchar(512),
  "othersettings" varchar(512),
  "physlots" varchar(512),
  "vidmodel" varchar(512),
  "vidproto" varchar(512),
  "vidpassword" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS32K ;

CREATE TABLE hypervisor (
  "node" VARCHAR(128) NOT NULL ,
  "type" varchar(512),
  "mgr" varchar(512),
  "interface" varchar(512),
  "netmap" varchar(512),
  "defaultnet" varchar(512),
  "cluster" varchar(512),
  "datacenter" varchar(512),
  "preferdirect" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE virtsd (
  "node" VARCHAR(128) NOT NULL ,
  "sdtype" varchar(512),
  "stype" varchar(512),
  "location" varchar(512),
  "host" varchar(512),
  "cluster" varchar(512),
  "datacenter" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE storage (
  "node" VARCHAR(128) NOT NULL ,
  "osvolume" varchar(512),
  "size" varchar(512),
  "state" varchar(512),
  "storagepool" varchar(512),
  "hypervisor" varchar(512),
  "fcprange" varchar(512),
  "volumetag" varchar(512),
  "type" varchar(512),
  "controller" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE websrv (
  "node" VARCHAR(128) NOT NULL ,
  "port" varchar(512),
  "username" varchar(512),
  "password" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE boottarget (
  "bprofile" VARCHAR(128) NOT NULL ,
  "kernel" varchar(512),
  "initrd" varchar(512),
  "kcmdline" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("bprofile")
);

CREATE TABLE bootparams (
  "node" VARCHAR(128) NOT NULL ,
  "kernel" varchar(512),
  "initrd" varchar(512),
  "kcmdline" varchar(512),
  "addkcmdline" varchar(512),
  "dhcpstatements" varchar(512),
  "adddhcpstatements" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE prodkey (
  "node" VARCHAR(128) NOT NULL ,
  "product" VARCHAR(128) NOT NULL ,
  "key" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node","product")
);

CREATE TABLE chain (
  "node" VARCHAR(128) NOT NULL ,
  "currstate" varchar(512),
  "currchain" varchar(512),
  "chain" varchar(512),
  "ondiscover" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE deps (
  "node" VARCHAR(128) NOT NULL ,
  "nodedep" varchar(512),
  "msdelay" varchar(512),
  "cmd" VARCHAR(128) NOT NULL ,
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node","cmd")
);

CREATE TABLE hosts (
  "node" VARCHAR(128) NOT NULL ,
  "ip" varchar(512),
  "hostnames" varchar(512),
  "otherinterfaces" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE ipmi (
  "node" VARCHAR(128) NOT NULL ,
  "bmc" varchar(512),
  "bmcport" varchar(512),
  "taggedvlan" varchar(512),
  "bmcid" varchar(512),
  "username" varchar(512),
  "password" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE openbmc (
  "node" VARCHAR(128) NOT NULL ,
  "bmc" varchar(512),
  "consport" varchar(512),
  "taggedvlan" varchar(512),
  "username" varchar(512),
  "password" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE iscsi (
  "node" VARCHAR(128) NOT NULL ,
  "server" varchar(512),
  "target" varchar(512),
  "lun" varchar(512),
  "iname" varchar(512),
  "file" varchar(512),
  "userid" varchar(512),
  "passwd" varchar(512),
  "kernel" varchar(512),
  "kcmdline" varchar(512),
  "initrd" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE mac (
  "node" VARCHAR(128) NOT NULL ,
  "interface" varchar(512),
  "mac" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE monitoring (
  "name" VARCHAR(128) NOT NULL ,
  "nodestatmon" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("name")
);

CREATE TABLE monsetting (
  "name" VARCHAR(128) NOT NULL ,
  "key" VARCHAR(128) NOT NULL ,
  "value" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("name","key")
);

CREATE TABLE mp (
  "node" VARCHAR(128) NOT NULL ,
  "mpa" varchar(512),
  "id" varchar(512),
  "nodetype" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE mpa (
  "mpa" VARCHAR(128) NOT NULL ,
  "username" VARCHAR(128) NOT NULL ,
  "password" varchar(512),
  "displayname" varchar(512),
  "slots" varchar(512),
  "urlpath" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("mpa","username")
);

CREATE TABLE networks (
  "netname" varchar(512),
  "net" VARCHAR(128) NOT NULL ,
  "mask" VARCHAR(128) NOT NULL ,
  "mgtifname" varchar(512),
  "gateway" varchar(512),
  "dhcpserver" varchar(512),
  "tftpserver" varchar(512),
  "nameservers" varchar(512),
  "ntpservers" varchar(512),
  "logservers" varchar(512),
  "dynamicrange" varchar(512),
  "staticrange" varchar(512),
  "staticrangeincrement" varchar(512),
  "nodehostname" varchar(512),
  "ddnsdomain" varchar(512),
  "vlanid" varchar(512),
  "domain" varchar(512),
  "mtu" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("net","mask")
) in XCATTBS16K ;

CREATE TABLE nodegroup (
  "groupname" VARCHAR(128) NOT NULL ,
  "grouptype" varchar(512),
  "members" varchar(512),
  "membergroups" varchar(512),
  "wherevals" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("groupname")
);

CREATE TABLE nodehm (
  "node" VARCHAR(128) NOT NULL ,
  "power" varchar(512),
  "mgt" varchar(512),
  "cons" varchar(512),
  "termserver" varchar(512),
  "termport" varchar(512),
  "conserver" varchar(512),
  "serialport" varchar(512),
  "serialspeed" varchar(512),
  "serialflow" varchar(512),
  "getmac" varchar(512),
  "cmdmapping" varchar(512),
  "consoleondemand" varchar(512),
  "consoleenabled" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE nodelist (
  "node" VARCHAR(128) NOT NULL ,
  "groups" varchar(512),
  "status" varchar(512),
  "statustime" varchar(512),
  "appstatus" varchar(512),
  "appstatustime" varchar(512),
  "primarysn" varchar(512),
  "hidden" varchar(512),
  "updatestatus" varchar(512),
  "updatestatustime" varchar(512),
  "zonename" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS32K ;

CREATE TABLE nodepos (
  "node" VARCHAR(128) NOT NULL ,
  "rack" varchar(512),
  "u" varchar(512),
  "chassis" varchar(512),
  "slot" varchar(512),
  "room" varchar(512),
  "height" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE noderes (
  "node" VARCHAR(128) NOT NULL ,
  "servicenode" varchar(512),
  "netboot" varchar(512),
  "tftpserver" varchar(512),
  "tftpdir" varchar(512),
  "nfsserver" varchar(512),
  "monserver" varchar(512),
  "nfsdir" varchar(512),
  "installnic" varchar(512),
  "primarynic" varchar(512),
  "discoverynics" varchar(512),
  "cmdinterface" varchar(512),
  "xcatmaster" varchar(512),
  "current_osimage" varchar(512),
  "next_osimage" varchar(512),
  "nimserver" varchar(512),
  "routenames" varchar(512),
  "nameservers" varchar(512),
  "proxydhcp" varchar(512),
  "syslog" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE pdu (
  "node" VARCHAR(128) NOT NULL ,
  "nodetype" varchar(512),
  "pdutype" varchar(512),
  "outlet" varchar(512),
  "username" varchar(512),
  "password" varchar(512),
  "snmpversion" varchar(512),
  "community" varchar(512),
  "snmpuser" varchar(512),
  "authtype" varchar(512),
  "authkey" varchar(512),
  "privtype" varchar(512),
  "privkey" varchar(512),
  "seclevel" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE switches (
  "switch" VARCHAR(128) NOT NULL ,
  "snmpversion" varchar(512),
  "username" varchar(512),
  "password" varchar(512),
  "privacy" varchar(512),
  "auth" varchar(512),
  "linkports" varchar(512),
  "sshusername" varchar(512),
  "sshpassword" varchar(512),
  "protocol" varchar(512),
  "switchtype" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("switch")
);

CREATE TABLE nodetype (
  "node" VARCHAR(128) NOT NULL ,
  "os" varchar(512),
  "arch" varchar(512),
  "profile" varchar(512),
  "provmethod" varchar(512),
  "supportedarchs" varchar(512),
  "nodetype" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE notification (
  "filename" VARCHAR(128) NOT NULL ,
  "tables" varchar(512) NOT NULL,
  "tableops" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("filename")
);

CREATE TABLE osimage (
  "imagename" VARCHAR(128) NOT NULL ,
  "groups" varchar(512),
  "profile" varchar(512),
  "imagetype" varchar(512),
  "description" varchar(512),
  "provmethod" varchar(512),
  "rootfstype" varchar(512),
  "nfsrootopts" varchar(512),
  "osdistroname" varchar(512),
  "osupdatename" VARCHAR(1024),
  "cfmdir" varchar(512),
  "osname" varchar(512),
  "osvers" varchar(512),
  "osarch" varchar(512),
  "synclists" varchar(512),
  "postscripts" varchar(512),
  "postbootscripts" varchar(512),
  "serverrole" varchar(512),
  "isdeletable" varchar(512),
  "kitcomponents" varchar(512),
  "environvar" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("imagename")
) in XCATTBS32K ;

CREATE TABLE linuximage (
  "imagename" VARCHAR(128) NOT NULL ,
  "template" varchar(512),
  "boottarget" varchar(512),
  "addkcmdline" varchar(512),
  "pkglist" varchar(512),
  "pkgdir" varchar(512),
  "otherpkglist" varchar(512),
  "otherpkgdir" varchar(512),
  "exlist" varchar(512),
  "postinstall" varchar(512),
  "rootimgdir" varchar(512),
  "kerneldir" varchar(512),
  "nodebootif" varchar(512),
  "otherifce" varchar(512),
  "netdrivers" varchar(512),
  "kernelver" varchar(512),
  "krpmver" varchar(512),
  "permission" varchar(512),
  "dump" varchar(512),
  "crashkernelsize" varchar(512),
  "partitionfile" varchar(512),
  "driverupdatesrc" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("imagename")
) in XCATTBS32K ;

CREATE TABLE winimage (
  "imagename" VARCHAR(128) NOT NULL ,
  "template" varchar(512),
  "installto" varchar(512),
  "partitionfile" varchar(512),
  "winpepath" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("imagename")
) in XCATTBS32K ;

CREATE TABLE passwd (
  "key" VARCHAR(128) NOT NULL ,
  "username" VARCHAR(128) NOT NULL ,
  "password" varchar(512),
  "cryptmethod" varchar(512),
  "authdomain" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("key","username")
);

CREATE TABLE policy (
  "priority" VARCHAR(128) NOT NULL ,
  "name" varchar(512),
  "host" varchar(512),
  "commands" varchar(512),
  "noderange" varchar(512),
  "parameters" varchar(512),
  "time" varchar(512),
  "rule" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("priority")
);

CREATE TABLE postscripts (
  "node" VARCHAR(128) NOT NULL ,
  "postscripts" varchar(512),
  "postbootscripts" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE ppc (
  "node" VARCHAR(128) NOT NULL ,
  "hcp" varchar(512),
  "id" varchar(512),
  "pprofile" varchar(512),
  "parent" varchar(512),
  "nodetype" varchar(512),
  "supernode" varchar(512),
  "sfp" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE ppcdirect (
  "hcp" VARCHAR(128) NOT NULL ,
  "username" VARCHAR(128) NOT NULL ,
  "password" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("hcp","username")
);

CREATE TABLE ppchcp (
  "hcp" VARCHAR(128) NOT NULL ,
  "username" varchar(512),
  "password" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("hcp")
);

CREATE TABLE servicenode (
  "node" VARCHAR(128) NOT NULL ,
  "nameserver" varchar(512),
  "dhcpserver" varchar(512),
  "tftpserver" varchar(512),
  "nfsserver" varchar(512),
  "conserver" varchar(512),
  "monserver" varchar(512),
  "ldapserver" varchar(512),
  "ntpserver" varchar(512),
  "ftpserver" varchar(512),
  "nimserver" varchar(512),
  "ipforward" varchar(512),
  "dhcpinterfaces" varchar(512),
  "proxydhcp" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE site (
  "key" VARCHAR(128) NOT NULL ,
  "value" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("key")
);

CREATE TABLE pduoutlet (
  "node" VARCHAR(128) NOT NULL ,
  "pdu" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE switch (
  "node" VARCHAR(128) NOT NULL ,
  "switch" VARCHAR(128) NOT NULL ,
  "port" VARCHAR(128) NOT NULL ,
  "vlan" varchar(512),
  "interface" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node","switch","port")
);

CREATE TABLE vpd (
  "node" VARCHAR(128) NOT NULL ,
  "serial" varchar(512),
  "mtm" varchar(512),
  "side" varchar(512),
  "asset" varchar(512),
  "uuid" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE nimimage (
  "imagename" VARCHAR(128) NOT NULL ,
  "nimtype" varchar(512),
  "lpp_source" varchar(512),
  "spot" varchar(512),
  "root" varchar(512),
  "dump" varchar(512),
  "paging" varchar(512),
  "resolv_conf" varchar(512),
  "tmp" varchar(512),
  "home" varchar(512),
  "shared_home" varchar(512),
  "res_group" varchar(512),
  "nimmethod" varchar(512),
  "script" varchar(512),
  "bosinst_data" varchar(512),
  "installp_bundle" varchar(512),
  "mksysb" varchar(512),
  "fb_script" varchar(512),
  "shared_root" varchar(512),
  "otherpkgs" varchar(512),
  "image_data" varchar(512),
  "configdump" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("imagename")
);

CREATE TABLE performance (
  "timestamp" VARCHAR(128) NOT NULL ,
  "node" VARCHAR(128) NOT NULL ,
  "attrname" VARCHAR(128) NOT NULL ,
  "attrvalue" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("timestamp","node","attrname")
);

CREATE TABLE zone (
  "zonename" VARCHAR(128) NOT NULL ,
  "sshkeydir" varchar(512),
  "sshbetweennodes" varchar(512),
  "defaultzone" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("zonename")
);

CREATE TABLE eventlog (
  "recid" INTEGER GENERATED ALWAYS AS IDENTITY,
  "eventtime" varchar(512),
  "eventtype" varchar(512),
  "monitor" varchar(512),
  "monnode" varchar(512),
  "node" varchar(512),
  "application" varchar(512),
  "component" varchar(512),
  "id" varchar(512),
  "severity" varchar(512),
  "message" varchar(512),
  "rawdata" varchar(4098),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("recid")
) in XCATTBS32K ;

CREATE TABLE auditlog (
  "recid" INTEGER GENERATED ALWAYS AS IDENTITY,
  "audittime" varchar(512),
  "userid" varchar(512),
  "clientname" varchar(512),
  "clienttype" varchar(512),
  "command" varchar(512),
  "noderange" varchar(512),
  "args" varchar(512),
  "status" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("recid")
) compress YES  in XCATTBS32K ;

CREATE TABLE prescripts (
  "node" VARCHAR(128) NOT NULL ,
  "begin" varchar(512),
  "end" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE routes (
  "routename" VARCHAR(128) NOT NULL ,
  "net" varchar(512),
  "mask" varchar(512),
  "gateway" varchar(512),
  "ifname" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("routename")
);

CREATE TABLE zvmivp (
  "id" VARCHAR(128) NOT NULL ,
  "ip" varchar(512),
  "schedule" varchar(512),
  "last_run" varchar(512),
  "type_of_run" varchar(512),
  "access_user" varchar(512),
  "orch_parms" varchar(512),
  "prep_parms" varchar(512),
  "main_ivp_parms" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("id")
);

CREATE TABLE zvm (
  "node" VARCHAR(128) NOT NULL ,
  "hcp" varchar(512),
  "userid" varchar(512),
  "nodetype" varchar(512),
  "parent" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  "discovered" varchar(512),
  "status" varchar(512),
  PRIMARY KEY ("node")
);

CREATE TABLE firmware (
  "node" VARCHAR(128) NOT NULL ,
  "cfgfile" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE nics (
  "node" VARCHAR(128) NOT NULL ,
  "nicips" varchar(512),
  "nichostnamesuffixes" varchar(512),
  "nichostnameprefixes" varchar(512),
  "nictypes" varchar(512),
  "niccustomscripts" varchar(512),
  "nicnetworks" varchar(512),
  "nicaliases" varchar(512),
  "nicextraparams" varchar(512),
  "nicdevices" varchar(512),
  "nicsadapter" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
) in XCATTBS16K ;

CREATE TABLE rack (
  "rackname" VARCHAR(128) NOT NULL ,
  "displayname" varchar(512),
  "num" varchar(512),
  "height" varchar(512),
  "room" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("rackname")
);

CREATE TABLE osdistro (
  "osdistroname" VARCHAR(128) NOT NULL ,
  "basename" varchar(512),
  "majorversion" varchar(512),
  "minorversion" varchar(512),
  "arch" varchar(512),
  "type" varchar(512),
  "dirpaths" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("osdistroname")
);

CREATE TABLE osdistroupdate (
  "osupdatename" VARCHAR(128) NOT NULL ,
  "osdistroname" varchar(512),
  "dirpath" varchar(512),
  "downloadtime" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("osupdatename")
);

CREATE TABLE kit (
  "kitname" VARCHAR(128) NOT NULL ,
  "basename" varchar(512),
  "description" varchar(512),
  "version" varchar(512),
  "release" varchar(512),
  "ostype" varchar(512),
  "isinternal" varchar(512),
  "kitdeployparams" varchar(512),
  "kitdir" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("kitname")
);

CREATE TABLE kitrepo (
  "kitreponame" VARCHAR(128) NOT NULL ,
  "kitname" varchar(512),
  "osbasename" varchar(512),
  "osmajorversion" varchar(512),
  "osminorversion" varchar(512),
  "osarch" varchar(512),
  "compat_osbasenames" varchar(512),
  "kitrepodir" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("kitreponame")
);

CREATE TABLE kitcomponent (
  "kitcompname" VARCHAR(128) NOT NULL ,
  "description" varchar(512),
  "kitname" varchar(512),
  "kitreponame" varchar(512),
  "basename" varchar(512),
  "version" varchar(512),
  "release" varchar(512),
  "serverroles" varchar(512),
  "kitpkgdeps" varchar(512),
  "prerequisite" varchar(512),
  "driverpacks" varchar(512),
  "kitcompdeps" varchar(512),
  "postbootscripts" varchar(512),
  "genimage_postinstall" varchar(512),
  "exlist" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("kitcompname")
) in XCATTBS16K ;

CREATE TABLE discoverydata (
  "uuid" VARCHAR(128) NOT NULL ,
  "node" varchar(512),
  "method" varchar(512),
  "discoverytime" varchar(512),
  "arch" varchar(512),
  "cpucount" varchar(512),
  "cputype" varchar(512),
  "memory" varchar(512),
  "mtm" varchar(512),
  "serial" varchar(512),
  "nicdriver" varchar(512),
  "nicipv4" varchar(512),
  "nichwaddr" varchar(512),
  "nicpci" varchar(512),
  "nicloc" varchar(512),
  "niconboard" varchar(512),
  "nicfirm" varchar(512),
  "switchname" varchar(512),
  "switchaddr" varchar(512),
  "switchdesc" varchar(512),
  "switchport" varchar(512),
  "otherdata" VARCHAR(2048),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("uuid")
) in XCATTBS32K ;

CREATE TABLE cfgmgt (
  "node" VARCHAR(128) NOT NULL ,
  "cfgmgr" varchar(512),
  "cfgserver" varchar(512),
  "roles" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE mic (
  "node" VARCHAR(128) NOT NULL ,
  "host" varchar(512),
  "id" varchar(512),
  "nodetype" varchar(512),
  "bridge" varchar(512),
  "onboot" varchar(512),
  "vlog" varchar(512),
  "powermgt" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE hwinv (
  "node" VARCHAR(128) NOT NULL ,
  "cputype" varchar(512),
  "cpucount" varchar(512),
  "memory" varchar(512),
  "disksize" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);

CREATE TABLE token (
  "tokenid" VARCHAR(128) NOT NULL ,
  "username" varchar(512),
  "expire" varchar(512),
  "created" varchar(512),
  "access" varchar(512),
  "comments" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("tokenid")
);

CREATE TABLE taskstate (
  "node" VARCHAR(128) NOT NULL ,
  "command" varchar(512),
  "state" varchar(512),
  "pid" varchar(512),
  "reserve" varchar(512),
  "disable" varchar(8),
  PRIMARY KEY ("node")
);
