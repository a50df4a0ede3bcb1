//! `nim::prime` (the nimprime side of mkdsklsnode's preprocess) against
//! nimsim hosts and real temporary directories: the rc.dd_boot rewrite,
//! updatespot's command sequence on a local and a remote nimprime, the
//! shared_root re-sync, the copies to service nodes with the df / chfs
//! check, and dolitesetup from table rows in a SQLite database.

mod nim_prime_support;

use nim_prime_support::*;
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;
use xcat_handlers::nim::model::{Image, Reply, Resources};
use xcat_handlers::nim::prime::{
    self, dd_boot, CopyRequest, ImageJob, LiteOutcome, LiteRequest, Prime, SpotRequest,
};
use xcat_handlers::runner::Target;
use xcat_proto::Response;

/// A boot script with every anchor the rewrite looks for (our own sample).
const RC_DD_BOOT: &str = r#"#!/bin/ksh
# sample network boot script: only the anchor lines matter
case "${PHASE}" in
1)
	# network boot phase 1
	${SHOWLED} 0x600
	;;
2)
	${SHOWLED} 0x620
	# configure paging - local or NFS network
	if [ -n "${NIM_PAGING}" ]
	then
		# Start NFS remote paging
		echo "CuDv:" >> /swapnfs
		echo "name = ${SWAPDEV}" >> /tmp/swapnfs
		odmadd /tmp/swapnfs
		rmdev -l ${BASECUST_REMOVAL} -d
	fi
	# Copy the local_domain file to /etc
	;;
esac
"#;

fn count(text: &str, what: &str) -> usize {
    text.matches(what).count()
}

fn before(text: &str, a: &str, b: &str) -> bool {
    match (text.find(a), text.find(b)) {
        (Some(x), Some(y)) => x < y,
        _ => false,
    }
}

#[test]
fn dd_boot_blocks_once_before_their_anchors() {
    let once = dd_boot::rewrite(RC_DD_BOOT, "mount");
    for marker in [
        "# xCAT basecust support #1",
        "# xCAT basecust support #2",
        "# xCAT support #3",
        "# xCAT support #4",
        "# xCAT basecust removal support #5",
        "Write tmp file to create remote paging device",
        "rm -f /swapnfs",
    ] {
        assert_eq!(count(&once, marker), 1, "{marker}\n{once}");
    }
    assert!(before(&once, "support #1", "# network boot phase 1"));
    assert!(before(&once, "support #2", "# configure paging - local"));
    assert!(before(&once, "support #3", "${SHOWLED} 0x620"));
    assert!(before(
        &once,
        "support #4",
        "# Copy the local_domain file to"
    ));
    assert!(before(&once, "support #5", "# Start NFS remote paging"));
    assert!(before(&once, "remote paging device", "odmadd /swapnfs"));
    assert!(!once.contains("tmp/swapnfs"));
    assert!(once.contains("\t\techo \"CuDv:\" > /swapnfs\n"));
    assert!(!once.contains("echo \"CuDv:\" >> /swapnfs"));
    assert!(before(
        &once,
        "rmdev -l ${BASECUST_REMOVAL} -d",
        "odmdelete -o CuDv -q name=${BASECUST_REMOVAL}"
    ));
    assert!(once.contains("\t\t\tmount ${SLSERV}:${SLDIR} /slmnt\n"));
    // Idempotent.
    assert_eq!(dd_boot::rewrite(&once, "mount"), once);
    // NFSv4 mounts.
    let v4 = dd_boot::rewrite(RC_DD_BOOT, "mount -o vers=4");
    assert_eq!(count(&v4, "mount -o vers=4 "), 2, "{v4}");
    assert!(v4.contains("mount -o vers=4 -o rw ${SLSERV}:${SLDIR} /slmnt"));
}

#[test]
fn dd_boot_without_anchors_or_already_updated() {
    let plain = "#!/bin/ksh\necho nothing to see\n";
    assert_eq!(dd_boot::rewrite(plain, "mount"), plain);
    // Stock's own markers are honoured: nothing is added twice.
    let by_stock = RC_DD_BOOT
        .replace("case", "# xCAT basecust support #1\n# xCAT support #3\n# xCAT basecust removal support #5\n# Write tmp file to create remote paging device\n# Remove ODM object definition\ncase")
        .replace("odmadd /tmp/swapnfs", "odmadd /swapnfs")
        .replace(">> /tmp/swapnfs", ">> /swapnfs");
    let out = dd_boot::rewrite(&by_stock, "mount");
    let fixed = by_stock.replace("echo \"CuDv:\" >> /swapnfs", "echo \"CuDv:\" > /swapnfs");
    assert_eq!(out, fixed);
    assert_eq!(dd_boot::rewrite(&fixed, "mount"), fixed);
}

// ---- updatespot ----

const SPOT: &str = "71dskls_spot";

/// A diskless image whose SPOT, shared_root and paging nimprime (mn) defines,
/// with the SPOT's files on disk; the SPOT location.
fn spot_setup(net: &Net) -> String {
    let spots = net.path("install/nim/spot");
    net.sim(
        "mn",
        "/usr/sbin/nim",
        &[
            "-o",
            "define",
            "-t",
            "spot",
            "-a",
            "server=master",
            "-a",
            &format!("location={spots}"),
            SPOT,
        ],
    );
    let sr = net.path("install/nim/shared_root/71dskls_sr");
    net.sim(
        "mn",
        "/usr/sbin/nim",
        &[
            "-o",
            "define",
            "-t",
            "shared_root",
            "-a",
            "server=master",
            "-a",
            &format!("location={sr}"),
            "-a",
            &format!("spot={SPOT}"),
            "71dskls_sr",
        ],
    );
    let loc = format!("{spots}/{SPOT}/usr");
    std::fs::create_dir_all(format!("{loc}/lib/boot/network")).unwrap();
    std::fs::write(format!("{loc}/lib/boot/network/rc.dd_boot"), RC_DD_BOOT).unwrap();
    std::fs::create_dir_all(format!("{loc}/lpp/bos/inst_root/etc")).unwrap();
    std::fs::write(
        format!("{loc}/lpp/bos/inst_root/etc/inittab"),
        "init:2:initdefault:\n",
    )
    .unwrap();
    std::fs::create_dir_all(format!("{sr}/etc/.client_data")).unwrap();
    std::fs::write(
        format!("{sr}/etc/.client_data/cn01.info"),
        "export NIM_NAME=cn01\n",
    )
    .unwrap();
    let post = net.path("install/postscripts");
    std::fs::create_dir_all(&post).unwrap();
    std::fs::write(format!("{post}/xcataixpost"), "#!/bin/ksh\n").unwrap();
    std::fs::write(format!("{post}/aixlitesetup"), "#!/bin/ksh\n").unwrap();
    net.clear();
    loc
}

fn image() -> Image {
    let mut attrs = BTreeMap::new();
    for (k, v) in [
        ("nimtype", "diskless"),
        ("spot", SPOT),
        ("shared_root", "71dskls_sr"),
        ("paging", "71dskls_paging"),
    ] {
        attrs.insert(k.to_string(), v.to_string());
    }
    Image {
        name: "71dskls".into(),
        attrs,
    }
}

fn prime_on<'a>(
    net: &'a Net,
    cfg: &'a xcat_handlers::nim::cmd::NimConfig,
    target: Target,
) -> Prime<'a> {
    let mut p = Prime::new(net, cfg, target);
    p.install_dir = net.path("install");
    p
}

fn update(net: &Net, target: Target, img: &Image, verbose: bool) -> (bool, Out) {
    let env = sqlite();
    let cfg = net.cfg();
    let p = prime_on(net, &cfg, target);
    let mut docs: Vec<Response> = Vec::new();
    let ok = {
        let mut reply = Reply::new(&mut docs, verbose);
        let req = SpotRequest {
            image: img,
            nodes: &[],
            sharedinstall: "no",
            nfsv4: false,
            db: &env.db,
        };
        prime::update_spot(&p, &req, &mut reply).unwrap()
    };
    (ok, output(docs))
}

#[test]
fn update_spot_on_this_host() {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    let (ok, out) = update(&net, Target::Local, &image(), false);
    assert!(ok, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    let ir = format!("{loc}/lpp/bos/inst_root");
    assert_eq!(
        net.calls_on(&Target::Local),
        [
            format!("/usr/sbin/lsnim -l {SPOT}"),
            format!("/usr/bin/chgrp system {ir}"),
            format!("/usr/bin/chown root {ir}"),
        ]
    );
    assert_eq!(net.sim_calls("mn"), [format!("0\tlsnim -l {SPOT}")]);
    let odm = format!("{loc}/ODMscript");
    assert_eq!(
        std::fs::read_to_string(&odm).unwrap(),
        "CuAt:\n\tname = sys0\n\tattribute = syscons\n\tvalue = /dev/vty0\n\ttype = R\n\tgeneric =\n\trep = s\n\tnls_index = 0"
    );
    assert_eq!(
        std::fs::metadata(&odm).unwrap().permissions().mode() & 0o777,
        0o444
    );
    let boot = std::fs::read_to_string(format!("{loc}/lib/boot/network/rc.dd_boot")).unwrap();
    assert_eq!(boot, dd_boot::rewrite(RC_DD_BOOT, "mount"));
    let post = format!("{ir}/opt/xcat/xcataixpost");
    assert_eq!(
        std::fs::metadata(&post).unwrap().permissions().mode() & 0o111,
        0o111
    );
    let inittab = format!("{ir}/etc/inittab");
    let want = "init:2:initdefault:\nxcat:2:wait:/opt/xcat/xcataixpost\n";
    assert_eq!(std::fs::read_to_string(&inittab).unwrap(), want);
    // A second run changes nothing.
    let (ok, _) = update(&net, Target::Local, &image(), false);
    assert!(ok);
    assert_eq!(std::fs::read_to_string(&inittab).unwrap(), want);
    let again = std::fs::read_to_string(format!("{loc}/lib/boot/network/rc.dd_boot")).unwrap();
    assert_eq!(again, boot);
}

#[test]
fn update_spot_on_a_remote_nimprime() {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    let (ok, out) = update(&net, Target::Host("nimprime".into()), &image(), true);
    assert!(ok, "{}", out.stderr);
    let ir = format!("{loc}/lpp/bos/inst_root");
    let boot = format!("{loc}/lib/boot/network/rc.dd_boot");
    let np = |l: &str| (Target::Host("nimprime".into()), l.to_string());
    let here = |l: &str| (Target::Local, l.to_string());
    assert_eq!(
        net.calls(),
        [
            np(&format!("/usr/sbin/lsnim -l {SPOT}")),
            np(&format!("/usr/bin/test -e {loc}/ODMscript")),
            here(&format!(
                "/usr/bin/rsync -p STAGED nimprime:{loc}/ODMscript"
            )),
            np(&format!("/usr/bin/cat {boot}")),
            here(&format!("/usr/bin/rsync STAGED nimprime:{boot}")),
            np(&format!("/usr/bin/mkdir -m 644 -p {ir}/opt/xcat")),
            np(&format!(
                "/usr/bin/cp -p {}/postscripts/xcataixpost {ir}/opt/xcat/xcataixpost",
                net.path("install")
            )),
            np(&format!("/usr/bin/chmod +x {ir}/opt/xcat/xcataixpost")),
            np(&format!("/usr/bin/cat {ir}/etc/inittab")),
            here(&format!("/usr/bin/rsync STAGED nimprime:{ir}/etc/inittab")),
            np(&format!("/usr/bin/chgrp system {ir}")),
            np(&format!("/usr/bin/chown root {ir}")),
        ]
    );
    assert_eq!(
        out.stdout,
        format!(
            "Adding {loc}/ODMscript to the image.\n\nUpdating the {boot} file.\n\nUpdated {boot}.\n\nAdding xcataixpost script to the image.\n\nRunning: '/usr/bin/chgrp system {ir}; /usr/bin/chown root {ir}'\n\n"
        )
    );
    // The files arrived (through the rsync stand-in).
    assert_eq!(
        std::fs::read_to_string(&boot).unwrap(),
        dd_boot::rewrite(RC_DD_BOOT, "mount")
    );
    assert!(std::fs::read_to_string(format!("{ir}/etc/inittab"))
        .unwrap()
        .ends_with("xcat:2:wait:/opt/xcat/xcataixpost\n"));
}

#[test]
fn update_spot_failures() {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    std::fs::remove_file(format!("{loc}/lib/boot/network/rc.dd_boot")).unwrap();
    let (ok, out) = update(&net, Target::Local, &image(), false);
    assert!(!ok);
    assert_eq!(
        out.stderr,
        "Error: Could not update the rc.dd_boot file in the SPOT.\n\n"
    );
    assert_eq!(out.exit, 1);
    // An undefined SPOT: the message names it (stock printed an undefined variable).
    let mut img = image();
    img.attrs.insert("spot".into(), "nospot".into());
    let (ok, out) = update(&net, Target::Local, &img, false);
    assert!(!ok);
    assert_eq!(
        out.stderr,
        "Error: Could not get the location of the SPOT/COSI named nospot.\n\n"
    );
    // A bad name never reaches lsnim.
    net.clear();
    img.attrs.insert("spot".into(), "x;reboot".into());
    let (ok, out) = update(&net, Target::Local, &img, false);
    assert!(!ok);
    assert_eq!(out.stderr, "Error: Invalid value 'x;reboot' of attribute 'spot' for '71dskls': not a valid NIM object name.\n\n");
    assert!(net.calls().is_empty());
}

// ---- item 15: the shared_root re-sync ----

fn prepare(net: &Net, sharedinstall: &str, skip_sync: bool) -> (bool, Out) {
    let env = sqlite();
    let cfg = net.cfg();
    let p = prime_on(net, &cfg, Target::Local);
    let img = image();
    let mut res = Resources::default();
    res.locations.insert(
        "71dskls_sr".into(),
        net.path("install/nim/shared_root/71dskls_sr"),
    );
    let mut docs: Vec<Response> = Vec::new();
    let ok = {
        let mut reply = Reply::new(&mut docs, false);
        let job = ImageJob {
            spot: SpotRequest {
                image: &img,
                nodes: &[],
                sharedinstall,
                nfsv4: false,
                db: &env.db,
            },
            skip_sync,
            resources: &res,
        };
        prime::prepare_diskless_image(&p, &job, &mut reply).unwrap()
    };
    (ok, output(docs))
}

fn nim_calls(net: &Net) -> Vec<String> {
    net.sim_calls("mn")
        .into_iter()
        .filter(|l| !l.contains("lsnim -l"))
        .collect()
}

#[test]
fn sync_roots_unless_allocated_or_skipped() {
    let net = Net::new(&[]);
    spot_setup(&net);
    let (ok, out) = prepare(&net, "all", false);
    assert!(ok, "{}", out.stderr);
    assert_eq!(out.stdout, "Updating the spot named '71dskls'.\n\n");
    assert_eq!(
        nim_calls(&net),
        [
            "0\tlsnim -a alloc_count -Z 71dskls_sr",
            &format!("0\tnim -Fo sync_roots {SPOT}")
        ]
    );
    // sharedinstall=all: .client_data saved beside and restored.
    let cd = net.path("install/nim/shared_root/71dskls_sr/etc");
    assert_eq!(
        std::fs::read_to_string(format!("{cd}/.client_data_bkup/cn01.info")).unwrap(),
        "export NIM_NAME=cn01\n"
    );
    assert_eq!(
        std::fs::read_to_string(format!("{cd}/.client_data/cn01.info")).unwrap(),
        "export NIM_NAME=cn01\n"
    );

    net.clear();
    net.helper("mn", &["set", "71dskls_sr", "alloc_count", "2"]);
    let (ok, out) = prepare(&net, "sns", false);
    assert!(ok);
    assert_eq!(
        out.stdout,
        "Updating the spot named '71dskls'.\n\nThe resource named '71dskls_sr' is currently allocated. It will not be re-synchronized.\n\n"
    );
    assert_eq!(nim_calls(&net), ["0\tlsnim -a alloc_count -Z 71dskls_sr"]);

    net.clear();
    let (ok, _) = prepare(&net, "all", true);
    assert!(ok);
    assert!(
        nim_calls(&net).is_empty(),
        "-k: no alloc_count, no sync_roots"
    );

    net.clear();
    let (ok, out) = prepare(&net, "no", false);
    assert!(ok);
    assert!(nim_calls(&net).is_empty());
    assert_eq!(out.stderr, "");
}

#[test]
fn sync_roots_failure_and_spot_failure_messages() {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    net.helper("mn", &["fault", "nim:sync_roots", "fail"]);
    let (ok, out) = prepare(&net, "all", false);
    assert!(ok, "a failed re-sync is reported, the preprocess goes on");
    assert_eq!(out.stderr, "Error: Could not update 71dskls_sr.\n\n");
    std::fs::remove_file(format!("{loc}/lib/boot/network/rc.dd_boot")).unwrap();
    let (ok, out) = prepare(&net, "all", false);
    assert!(!ok);
    assert_eq!(
        out.stderr,
        format!("Error: Could not update the rc.dd_boot file in the SPOT.\n\nError: Could not update the SPOT resource named '{SPOT}'.\n\nError: Could not initialize the nodes.\n\n")
    );
}
