//! Short descriptions for `tabdump -d`, written for xcatd-rs (the schema JSON
//! carries none): one line per stock table, and per column a description by
//! column name (shared names such as `node`, `comments`, `disable` first, then
//! table-specific ones), falling back to a generic `<column> setting`.

/// One-line description of a table (`None` for user `x_*` tables).
pub fn table(name: &str) -> Option<&'static str> {
    let d = match name {
        "auditlog" => "Audit trail of the commands run through xcatd.",
        "bootparams" => {
            "Current kernel, initrd and kernel arguments used to network boot each node."
        }
        "boottarget" => "Boot profiles naming a kernel, initrd and kernel arguments.",
        "cfgmgt" => "Configuration-management (Chef, Puppet) settings per node.",
        "chain" => "Discovery and deployment task chains run on each node.",
        "deps" => "Power-control dependencies between nodes.",
        "discoverydata" => "Hardware data reported by nodes during discovery.",
        "domain" => "Windows Active Directory domain settings per node.",
        "eventlog" => "Events recorded by the monitoring plug-ins.",
        "firmware" => "Firmware configuration file per node.",
        "hosts" => "IP addresses and host name aliases written to /etc/hosts.",
        "hwinv" => "Hardware inventory (CPU, memory, disks) per node.",
        "hypervisor" => "Hypervisor settings for virtualization hosts.",
        "ipmi" => "BMC address and credentials of IPMI-managed nodes.",
        "iscsi" => "iSCSI boot target settings per node.",
        "kit" => "Kits added to the cluster.",
        "kitcomponent" => "Components of the kits added to the cluster.",
        "kitrepo" => "Package repositories of the kits added to the cluster.",
        "kvm_masterdata" => "Libvirt XML of KVM master images.",
        "kvm_nodedata" => "Libvirt XML of KVM virtual machines.",
        "linuximage" => "Linux-specific settings of osimage definitions.",
        "litefile" => "Files and directories of statelite images and how they persist.",
        "litetree" => "Where statelite images find their persistent files.",
        "mac" => "MAC addresses of node network interfaces.",
        "mic" => "Intel Xeon Phi (MIC) coprocessor settings.",
        "monitoring" => "Monitoring plug-ins and whether they watch node status.",
        "monsetting" => "Settings of the monitoring plug-ins.",
        "mp" => "Blade management module and slot of each blade.",
        "mpa" => "Management module and CMM credentials.",
        "networks" => "Networks of the cluster and the services they use.",
        "nics" => "Additional network interfaces configured on nodes.",
        "nimimage" => "AIX NIM image definitions.",
        "nodegroup" => "Node groups, static and dynamic.",
        "nodehm" => "Hardware management method and console settings per node.",
        "nodelist" => "Every node, its groups and its status.",
        "nodepos" => "Physical location of each node.",
        "noderes" => "Resources and servers used to deploy each node.",
        "nodetype" => "Operating system, architecture and profile of each node.",
        "notification" => "Commands notified when tables change.",
        "openbmc" => "BMC address and credentials of OpenBMC-managed nodes.",
        "osdistro" => "Operating system distributions copied into xCAT.",
        "osdistroupdate" => "Updates of operating system distributions.",
        "osimage" => "Operating system image definitions.",
        "passwd" => "Default user names and passwords.",
        "pdu" => "Power distribution units and their access settings.",
        "pduoutlet" => "PDU outlets that power each node.",
        "performance" => "Performance data collected from nodes.",
        "policy" => "Who may run which commands on which nodes.",
        "postscripts" => "Scripts run on nodes after install and at each boot.",
        "ppc" => "Hardware control settings of IBM Power nodes.",
        "ppcdirect" => "Credentials for FSPs and BPAs managed directly.",
        "ppchcp" => "Credentials of HMCs and IVMs.",
        "prescripts" => "Scripts run on the management node before and after deployment.",
        "prodkey" => "Product keys for licensed software.",
        "rack" => "Rack definitions.",
        "routes" => "Network routes.",
        "servicenode" => "Services each service node runs.",
        "site" => "Global settings of the cluster.",
        "statelite" => "Persistent storage locations of statelite nodes.",
        "storage" => "Storage volumes of virtual machines.",
        "switch" => "Switch and port each node interface connects to.",
        "switches" => "Switch access settings.",
        "taskstate" => "State of running tasks per node.",
        "token" => "Authentication tokens of the REST API.",
        "virtsd" => "Virtual storage devices.",
        "vm" => "Virtual machine settings.",
        "vmmaster" => "Virtual machine master images.",
        "vpd" => "Vital product data: serial number, model, UUID.",
        "websrv" => "Web service credentials of nodes.",
        "winimage" => "Windows-specific settings of osimage definitions.",
        "zone" => "Zones: sets of nodes sharing an ssh key.",
        "zvm" => "z/VM virtual machine settings.",
        "zvmivp" => "z/VM installation verification runs.",
        _ => return None,
    };
    Some(d)
}

/// Description of a column of a table.
pub fn column(table: &str, col: &str) -> String {
    if (table, col) == ("site", "key") {
        return site_keys();
    }
    if let Some(d) = specific(table, col) {
        return d.to_string();
    }
    if let Some(d) = common(col) {
        return d.to_string();
    }
    format!("The {col} setting.")
}

fn specific(table: &str, col: &str) -> Option<&'static str> {
    let d = match (table, col) {
        ("site", "key") => "Name of the setting.",
        ("site", "value") => "Value of the setting.",
        ("monsetting", "key") => "Name of the setting.",
        ("monsetting", "value") => "Value of the setting.",
        ("passwd", "key") => "What the credentials are for (system, ipmi, hmc, ...).",
        ("prodkey", "key") => "The product key.",
        ("nodelist", "status") => "Current deployment status of the node.",
        ("nodelist", "hidden") => "1 to hide the node from nodels (FSPs, BPAs).",
        ("nodegroup", "members") => "Members of a static group (informational).",
        ("nodegroup", "wherevals") => "Selection criteria of a dynamic group.",
        ("nodetype", "nodetype") => "Node type: osi, ppc, blade, mm, switch, ...",
        ("policy", "rule") => "allow or deny.",
        ("policy", "name") => "User or certificate name the rule applies to.",
        ("eventlog", "message") => "Text of the event.",
        ("auditlog", "status") => "Whether the command was allowed.",
        _ => return None,
    };
    Some(d)
}

/// Descriptions shared by columns of that name in any table.
const COMMON: &[(&[&str], &str)] = &[
    (&["node"], "Node or group name."),
    (&["comments"], "Any user-written notes."),
    (&["disable"], "Set to 'yes' or '1' to comment out this row."),
    (&["groups"], "Comma-separated list of groups."),
    (
        &[
            "username",
            "user",
            "adminuser",
            "userid",
            "sshusername",
            "snmpuser",
        ],
        "User name.",
    ),
    (
        &[
            "password",
            "adminpassword",
            "passwd",
            "sshpassword",
            "vidpassword",
        ],
        "Password.",
    ),
    (&["ip"], "IP address."),
    (&["mac"], "MAC address(es)."),
    (&["mask"], "Network mask."),
    (&["net"], "Network address."),
    (&["gateway"], "Gateway address."),
    (&["hostnames"], "Host name aliases."),
    (
        &["interface", "ifname", "mgtifname"],
        "Network interface name.",
    ),
    (&["os", "osname"], "Operating system."),
    (&["osvers"], "Operating system version."),
    (&["arch", "osarch"], "Architecture."),
    (&["profile"], "Profile name."),
    (&["imagename"], "Name of the image."),
    (&["imagetype"], "Image type."),
    (&["provmethod"], "Provisioning method or osimage name."),
    (&["kernel"], "Kernel to boot."),
    (&["initrd"], "Initial ramdisk to boot."),
    (&["kcmdline"], "Kernel command line."),
    (&["addkcmdline"], "Extra kernel command line arguments."),
    (&["template"], "Template file."),
    (&["pkglist", "otherpkglist"], "Package list file(s)."),
    (&["pkgdir", "otherpkgdir"], "Package directory."),
    (&["postscripts"], "Scripts run after install."),
    (&["postbootscripts"], "Scripts run at each boot."),
    (&["servicenode"], "Service node(s) serving the node."),
    (
        &["xcatmaster"],
        "Server address the node uses for xCAT services.",
    ),
    (&["tftpserver"], "TFTP server."),
    (&["nfsserver"], "NFS server."),
    (&["nimserver"], "NIM server."),
    (&["monserver"], "Monitoring server."),
    (&["conserver"], "Console server."),
    (&["nameservers"], "DNS servers."),
    (&["ntpservers"], "NTP servers."),
    (&["dhcpserver"], "DHCP server."),
    (&["tftpdir"], "TFTP root directory."),
    (&["installnic"], "Interface used for installation."),
    (&["primarynic"], "Primary network interface."),
    (&["netboot"], "Network boot method."),
    (&["mgt"], "Hardware management method."),
    (&["power"], "Power control method."),
    (&["cons"], "Console method."),
    (&["hcp"], "Hardware control point."),
    (&["id"], "Identifier."),
    (&["parent"], "Parent object."),
    (&["nodetype"], "Node type."),
    (&["type"], "Type."),
    (&["bmc"], "BMC address."),
    (&["mpa"], "Management module."),
    (&["switch"], "Switch name."),
    (&["port"], "Switch port or TCP port."),
    (&["vlan", "vlanid", "taggedvlan"], "VLAN id."),
    (&["rack"], "Rack."),
    (&["room"], "Room."),
    (&["height"], "Height in rack units."),
    (&["serial"], "Serial number."),
    (&["mtm"], "Machine type and model."),
    (&["uuid"], "UUID."),
    (&["host"], "Host."),
    (&["cluster"], "Cluster name."),
    (&["datacenter"], "Datacenter name."),
    (&["storage"], "Storage location."),
    (&["memory"], "Memory size."),
    (&["cpus", "cpucount"], "Number of CPUs."),
    (&["cputype"], "CPU type."),
    (&["nics"], "Network interfaces."),
    (&["description"], "Description."),
    (&["version"], "Version."),
    (&["release"], "Release."),
    (&["basename"], "Base name."),
    (&["kitname"], "Kit name."),
    (&["kitreponame"], "Kit repository name."),
    (&["osdistroname"], "OS distribution name."),
    (&["osupdatename"], "OS update name."),
    (&["zonename"], "Zone name."),
    (&["priority"], "Priority (ordering key)."),
    (&["name"], "Name."),
    (&["timestamp"], "Time stamp."),
    (&["recid"], "Record id."),
    (&["command", "commands"], "Command(s)."),
    (&["noderange"], "Node range."),
    (&["args"], "Arguments."),
    (&["status"], "Status."),
    (&["state"], "State."),
    (&["method"], "Method."),
    (&["file", "filename"], "File name."),
    (&["options", "mntopts"], "Options."),
    (&["image"], "Image name."),
    (&["directory", "dirpath", "dirpaths"], "Directory."),
    (&["domain"], "DNS domain."),
    (&["routename"], "Route name."),
    (&["groupname"], "Group name."),
    (&["grouptype"], "static or dynamic."),
    (&["snmpversion"], "SNMP version."),
    (&["community"], "SNMP community."),
    (&["protocol"], "Access protocol."),
    (&["exlist"], "Exclude list file."),
    (&["synclists"], "Sync list file(s)."),
    (&["cfgfile"], "Configuration file."),
    (&["netname"], "Network name."),
    (&["dynamicrange"], "Dynamic DHCP address range."),
    (&["staticrange"], "Static address range."),
    (&["mtu"], "MTU."),
];

fn common(col: &str) -> Option<&'static str> {
    COMMON
        .iter()
        .find(|(names, _)| names.contains(&col))
        .map(|(_, d)| *d)
}

/// Format one `-d` element: `<name>:` + one or two TABs + text + newline.
pub fn line(name: &str, text: &str) -> String {
    let sep = if name.len() < 7 { "\t\t" } else { "\t" };
    format!("{name}:{sep}{text}\n")
}

/// `site.key`: the documented site keys by category (from the schema's
/// `site_attributes`), so `tabdump -d site` lists every key as stock does.
fn site_keys() -> String {
    let mut text = String::from("Name of the setting.  The documented site keys, by category:");
    let mut category = "";
    for (name, cat) in xcat_schema::registry::SITE_ATTRIBUTES {
        if *cat != category {
            category = cat;
            text.push_str(&format!(
                "\n -----------------\n{cat}\n -----------------\n"
            ));
        }
        text.push_str(&format!("\n {name}"));
    }
    text
}
