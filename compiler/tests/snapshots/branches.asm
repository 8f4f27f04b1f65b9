function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-30h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000004FFh
  001d  sub       rsp,30h
  0024  sub       r13,1Bh
  002b  js        00000000000001E0h
  0031  mov       qword ptr [rbp-8],1
  003c  mov       qword ptr [rbp-10h],2
  0047  mov       qword ptr [rbp-18h],3
  0052  mov       ebx,[rbp+10h]
  0059  mov       qword ptr [rbp-20h],4
  0064  mov       r11d,0Ah
  006a  cmp       ebx,r11d
  006d  cmova     ebx,r11d
  0071  shl       rbx,4
  0075  lea       r11,[90h]
  007c  add       r11,rbx
  007f  jmp       0000000000000084h
  0084  int3
  0085  int3
  0086  int3
  0087  int3
  0088  int3
  0089  int3
  008a  int3
  008b  int3
  008c  int3
  008d  int3
  008e  int3
  008f  int3
  0090  endbr64
  0094  jmp       0000000000000186h
  0099  int3
  009a  int3
  009b  int3
  009c  int3
  009d  int3
  009e  int3
  009f  int3
  00a0  endbr64
  00a4  jmp       0000000000000186h
  00a9  int3
  00aa  int3
  00ab  int3
  00ac  int3
  00ad  int3
  00ae  int3
  00af  int3
  00b0  endbr64
  00b4  jmp       0000000000000140h
  00b9  int3
  00ba  int3
  00bb  int3
  00bc  int3
  00bd  int3
  00be  int3
  00bf  int3
  00c0  endbr64
  00c4  jmp       0000000000000157h
  00c9  int3
  00ca  int3
  00cb  int3
  00cc  int3
  00cd  int3
  00ce  int3
  00cf  int3
  00d0  endbr64
  00d4  jmp       0000000000000157h
  00d9  int3
  00da  int3
  00db  int3
  00dc  int3
  00dd  int3
  00de  int3
  00df  int3
  00e0  endbr64
  00e4  jmp       0000000000000140h
  00e9  int3
  00ea  int3
  00eb  int3
  00ec  int3
  00ed  int3
  00ee  int3
  00ef  int3
  00f0  endbr64
  00f4  jmp       000000000000016Eh
  00f9  int3
  00fa  int3
  00fb  int3
  00fc  int3
  00fd  int3
  00fe  int3
  00ff  int3
  0100  endbr64
  0104  jmp       000000000000016Eh
  0109  int3
  010a  int3
  010b  int3
  010c  int3
  010d  int3
  010e  int3
  010f  int3
  0110  endbr64
  0114  jmp       0000000000000186h
  0119  int3
  011a  int3
  011b  int3
  011c  int3
  011d  int3
  011e  int3
  011f  int3
  0120  endbr64
  0124  jmp       0000000000000186h
  0129  int3
  012a  int3
  012b  int3
  012c  int3
  012d  int3
  012e  int3
  012f  int3
  0130  endbr64
  0134  jmp       0000000000000186h
  0139  int3
  013a  int3
  013b  int3
  013c  int3
  013d  int3
  013e  int3
  013f  int3
  0140  sub       r13,2
  0144  mov       r11,[rbp-20h]
  014b  mov       [rbp-18h],r11
  0152  jmp       00000000000001A2h
  0157  sub       r13,2
  015b  mov       r11,[rbp-20h]
  0162  mov       [rbp-10h],r11
  0169  jmp       00000000000001BEh
  016e  sub       r13,2
  0172  mov       r11,[rbp-20h]
  0179  mov       [rbp+10h],r11
  0180  mov       rsp,rbp
  0183  pop       rbp
  0184  ret
  0185  int3
  0186  mov       ebx,[rbp-20h]
  018d  mov       esi,[rbp-18h]
  0194  add       esi,ebx
  0197  mov       [rbp-18h],rsi
  019e  sub       r13,2
  01a2  mov       ebx,[rbp-18h]
  01a9  mov       esi,[rbp-10h]
  01b0  add       esi,ebx
  01b3  mov       [rbp-10h],rsi
  01ba  sub       r13,2
  01be  mov       ebx,[rbp-10h]
  01c5  mov       esi,[rbp-8]
  01cc  add       esi,ebx
  01cf  sub       r13,4
  01d3  mov       [rbp+10h],rsi
  01da  mov       rsp,rbp
  01dd  pop       rbp
  01de  ret
  01df  int3
  01e0  mov       [r15+20h],r13
  01e7  mov       rdi,r15
  01ea  mov       rsi,rsp
  01ed  mov       rdx,r11
  01f0  call      00000000000001F5h
  01f5  mov       r13,[r15+20h]
  01fc  test      eax,eax
  01fe  jne       00000000000004AAh
  0204  mov       r14,[r15]
  020b  mov       r10,[r15+8]
  0212  jmp       0000000000000031h
function 1 (defined 1):
  0220  endbr64
  0224  push      rbp
  0225  mov       rbp,rsp
  0228  lea       rax,[rsp-20h]
  0230  cmp       rax,[r15+10h]
  0237  jb        00000000000004FFh
  023d  sub       rsp,20h
  0244  mov       ebx,[rbp+10h]
  024b  sub       r13,17h
  0252  js        0000000000000336h
  0258  mov       rsi,rbx
  025b  mov       qword ptr [rbp-8],7
  0266  mov       qword ptr [rbp-10h],1
  0271  cmp       esi,1
  0278  jne       0000000000000295h
  027e  sub       r13,2
  0282  mov       r11,[rbp-10h]
  0289  mov       [rbp-8],r11
  0290  jmp       000000000000031Eh
  0295  mov       rsi,rbx
  0298  mov       qword ptr [rbp-10h],2
  02a3  sub       r13,6
  02a7  cmp       esi,2
  02ae  je        000000000000027Eh
  02b4  mov       rsi,rbx
  02b7  mov       qword ptr [rbp-10h],3
  02c2  sub       r13,6
  02c6  cmp       esi,3
  02cd  jne       00000000000002EBh
  02d3  sub       r13,2
  02d7  mov       r11,[rbp-10h]
  02de  mov       [rbp+10h],r11
  02e5  mov       rsp,rbp
  02e8  pop       rbp
  02e9  ret
  02ea  int3
  02eb  mov       rsi,rbx
  02ee  mov       qword ptr [rbp-10h],4
  02f9  sub       r13,6
  02fd  cmp       esi,4
  0304  je        00000000000002D3h
  030a  mov       qword ptr [rbp-10h],9
  0315  sub       r13,3
  0319  jmp       000000000000027Eh
  031e  sub       r13,3
  0322  mov       r11,[rbp-8]
  0329  mov       [rbp+10h],r11
  0330  mov       rsp,rbp
  0333  pop       rbp
  0334  ret
  0335  int3
  0336  mov       [rbp+10h],rbx
  033d  mov       [r15+20h],r13
  0344  mov       rdi,r15
  0347  mov       rsi,rsp
  034a  mov       rdx,r11
  034d  call      0000000000000352h
  0352  mov       r13,[r15+20h]
  0359  test      eax,eax
  035b  jne       00000000000004AAh
  0361  mov       r14,[r15]
  0368  mov       r10,[r15+8]
  036f  mov       rbx,[rbp+10h]
  0376  jmp       0000000000000258h
