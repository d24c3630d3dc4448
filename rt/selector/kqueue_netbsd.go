package selector

// evReceipt is NetBSD's EV_RECEIPT (sys/event.h), which x/sys does not
// define there. A kernel that ignored it would still be handled: see
// kqueue.apply.
const evReceipt = 0x0040
