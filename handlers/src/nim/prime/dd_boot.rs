//! The SPOT's `lib/boot/network/rc.dd_boot` rewrite (`update_dd_boot`,
//! xCAT-server/lib/xcat/plugins/aixinstall.pm:7528-7824): five xCAT blocks
//! inserted before their text anchors, the NFS paging stanza written to
//! `/swapnfs` instead of `/tmp/swapnfs`, and the ODM clean-up after
//! `BASECUST_REMOVAL`.  Each block carries the marker comment stock looks
//! for, so a file updated by stock or by us is never updated twice; the
//! shell text of the blocks is our own.

use super::files::Files;

/// Markers (stock's, so files updated by either are recognised).
const MARK_BASECUST: &str = "xCAT basecust support";
const MARK_SUPPORT: &str = "xCAT support";
const MARK_REMOVAL: &str = "xCAT basecust removal support";
const MARK_SWAPNFS: &str = "Write tmp file to create remote paging device";
const MARK_ODMDELETE: &str = "Remove ODM object definition";

/// Anchors: each block goes right before the first line containing its anchor.
const ANCHOR_PHASE1: &str = "network boot phase 1";
const ANCHOR_PAGING: &str = "configure paging - local or NFS network";
const ANCHOR_CONSOLE: &str = "0x620";
const ANCHOR_DOMAIN: &str = "Copy the local_domain file to";
const ANCHOR_NFS_PAGING: &str = "Start NFS remote paging";

/// Block #1: restore the node's persistent ODM (`/etc/basecust`) from its
/// statelite directory.  The node's line is matched on its first field
/// (stock greps the short name anywhere in the line, so `cn1` also matched
/// `cn10`).  `@MOUNT@` is the mount command.
const BLOCK_RESTORE: &str = r#"
	# xCAT basecust support #1
	# A shared_root client keeps its ODM in its statelite directory: find
	# that directory in /mnt/statelite.table (node|server|dir[|options])
	# and bring back the saved /etc/basecust before the ODM is read.
	if [ -n "${NIM_SHARED_ROOT}" ] && [ -f /mnt/statelite.table ]
	then
		for xcat_tool in cat awk cut mkdir
		do
			cp /SPOT/usr/bin/${xcat_tool} /usr/bin
		done
		XCAT_NODE=`echo ${NIM_HOSTNAME} | /usr/bin/cut -d. -f1`
		XCAT_SL=`/usr/bin/awk -F'|' -v n="${XCAT_NODE}" '$1 == n' /mnt/statelite.table`
		SLSERV=`echo "${XCAT_SL}" | /usr/bin/awk -F'|' '{print $2}'`
		SLDIR=`echo "${XCAT_SL}" | /usr/bin/awk -F'|' '{print $3}'`
		if [ -n "${SLDIR}" ]
		then
			/usr/bin/mkdir -p /slmnt
			@MOUNT@ ${SLSERV}:${SLDIR} /slmnt
			if [ -f /slmnt/${XCAT_NODE}/etc/basecust ]
			then
				cp -p /slmnt/${XCAT_NODE}/etc/basecust /etc
				cp /SPOT/usr/lib/boot/restbase /usr/sbin
				cp /SPOT/usr/bin/uncompress /usr/bin
			fi
			umount /slmnt
		fi
	fi

"#;

/// Block #2: keep `/etc/basecust` on the statelite server from now on.
const BLOCK_PERSIST: &str = r#"
	# xCAT basecust support #2
	# Mount the statelite directory found above read-write and put the
	# node's persistent basecust over the RAM file system copy.
	if [ -n "${NIM_SHARED_ROOT}" ] && [ -n "${SLDIR}" ]
	then
		/usr/bin/mkdir -p /slmnt
		@MOUNT@ -o rw ${SLSERV}:${SLDIR} /slmnt
		/usr/bin/touch /etc/basecust
		XCAT_NODE=`echo ${NIM_HOSTNAME} | /usr/bin/cut -d. -f1`
		if [ -f /slmnt/${XCAT_NODE}/etc/basecust ]
		then
			mount /slmnt/${XCAT_NODE}/etc/basecust /etc/basecust
		fi
	fi

"#;

/// Block #3: give the node a console (`syscons` = `/dev/vty0`) from the
/// SPOT's ODMscript when the ODM has none.
const BLOCK_CONSOLE: &str = r#"
	# xCAT support #3
	# No console in the ODM yet: add the one described in /usr/ODMscript.
	if [ -z "$(odmget -qattribute=syscons CuAt)" ]
	then
		${SHOWLED} 0x911
		cp /usr/ODMscript /tmp/ODMscript && chmod 600 /tmp/ODMscript && odmadd /tmp/ODMscript
	fi

"#;

/// Block #4: NIM info for the statelite set-up, then the set-up itself.
const BLOCK_LITE: &str = r#"
		# xCAT support #4
		# statelite: the set-up script needs the NIM info; run it if the
		# SPOT carries one.
		cp /../SPOT/niminfo /etc/niminfo
		[ -f /aixlitesetup ] && /aixlitesetup

"#;

/// Block #5: drop the device named by `BASECUST_REMOVAL` (definition and
/// ODM object) before NFS paging starts.
const BLOCK_REMOVAL: &str = r#"
	# xCAT basecust removal support #5
	# BASECUST_REMOVAL names a device to forget before paging starts.
	if [ -n "${BASECUST_REMOVAL}" ]
	then
		cp /SPOT/usr/sbin/rmdev /usr/sbin
		/usr/sbin/rmdev -d -l "${BASECUST_REMOVAL}"
		# Remove ODM object definition
		odmdelete -o CuDv -q "name=${BASECUST_REMOVAL}"
		rm -f /usr/sbin/rmdev
	fi

"#;

/// Written before the `odmadd` of the NFS paging stanza: the stanza itself,
/// in `/swapnfs` (the RAM disk's `/tmp` is not there yet).
const SWAPNFS_STANZA: &str = r#"# Write tmp file to create remote paging device (xCAT): the stanza of
# the NFS paging device (echo: the RAM file system has no printf).
{
	echo "CuDv:"
	echo "	name = ${SWAPDEV}"
	echo "	status = 0"
	echo "	chgstatus = 1"
	echo "	PdDvLn = swap/nfs/paging"
} > /swapnfs

"#;

/// The first line of the paging stanza must start the file, not append.
const CUDV_APPEND: &str = "echo \"CuDv:\" >> /swapnfs";

/// After a stock-style `rmdev -l ${BASECUST_REMOVAL}` line of an older update.
const ODMDELETE_LINES: &str =
    "            # Remove ODM object definition\n            odmdelete -o CuDv -q name=${BASECUST_REMOVAL}\n";

/// The updated text of `rc.dd_boot`; `mount` is the mount command the
/// blocks use (`mount`, or `mount -o vers=4` with NFSv4).  Running it on
/// its own output changes nothing.
pub fn rewrite(original: &str, mount: &str) -> String {
    let restore = BLOCK_RESTORE.replace("@MOUNT@", mount);
    let persist = BLOCK_PERSIST.replace("@MOUNT@", mount);
    let has_odmdelete = original.contains(MARK_ODMDELETE);
    let (mut basecust, mut support, mut removal, mut swapnfs) = (false, false, false, false);
    let mut out = String::with_capacity(original.len() + 4096);
    for line in original.split_inclusive('\n') {
        basecust |= line.contains(MARK_BASECUST);
        support |= line.contains(MARK_SUPPORT);
        removal |= line.contains(MARK_REMOVAL);
        swapnfs |= line.contains(MARK_SWAPNFS);
        let blocks = [
            (ANCHOR_PHASE1, basecust, restore.as_str()),
            (ANCHOR_PAGING, basecust, persist.as_str()),
            (ANCHOR_CONSOLE, support, BLOCK_CONSOLE),
            (ANCHOR_DOMAIN, support, BLOCK_LITE),
            (ANCHOR_NFS_PAGING, removal, BLOCK_REMOVAL),
        ];
        for (anchor, done, block) in blocks {
            if !done && line.contains(anchor) {
                out.push_str(block);
            }
        }
        let odmadd_tmp = line.contains("odmadd /tmp/swapnfs");
        if (odmadd_tmp || line.contains("odmadd /swapnfs")) && !swapnfs {
            out.push_str(SWAPNFS_STANZA);
        }
        if odmadd_tmp {
            out.push_str(&line.replace("tmp/swapnfs", "swapnfs"));
            out.push_str("\n                        rm -f /swapnfs\n");
        } else if line.contains(CUDV_APPEND) {
            out.push_str(&line.replace(CUDV_APPEND, "echo \"CuDv:\" > /swapnfs"));
        } else {
            out.push_str(&line.replace("tmp/swapnfs", "swapnfs"));
        }
        if !has_odmdelete && line.contains("rmdev -l ${BASECUST_REMOVAL}") {
            out.push_str(ODMDELETE_LINES);
        }
    }
    out
}

/// Update `rc.dd_boot` at `path` on nimprime.  A missing file is an error
/// (the caller says "Could not update the rc.dd_boot file in the SPOT.").
pub fn update_dd_boot(files: &Files, path: &str, mount: &str) -> Result<(), String> {
    let original = files.read(path)?;
    let updated = rewrite(&original, mount);
    if updated == original {
        return Ok(());
    }
    files.write(path, &updated, None)
}
