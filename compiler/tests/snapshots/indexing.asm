function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000002EFh
  001d  sub       rsp,10h
  0024  sub       r13,19h
  002b  js        000000000000006Ah
  0031  mov       ebx,[rbp+10h]
  0038  lea       ebx,[rbx*8+400h]
  0040  lea       r11,[rbx+8]
  0048  cmp       r11,r10
  004b  ja        00000000000002A9h
  0051  cmova     r11,r10
  0055  mov       rbx,[r14+r11-8]
  005d  mov       [rbp+10h],rbx
  0064  mov       rsp,rbp
  0067  pop       rbp
  0068  ret
  0069  int3
  006a  mov       [r15+20h],r13
  0071  mov       rdi,r15
  0074  mov       rsi,rsp
  0077  mov       rdx,r11
  007a  call      000000000000007Fh
  007f  mov       r13,[r15+20h]
  0086  test      eax,eax
  0088  jne       000000000000029Ah
  008e  mov       r14,[r15]
  0095  mov       r10,[r15+8]
  009c  jmp       0000000000000031h
function 1 (defined 1):
  00b0  endbr64
  00b4  push      rbp
  00b5  mov       rbp,rsp
  00b8  lea       rax,[rsp-10h]
  00c0  cmp       rax,[r15+10h]
  00c7  jb        00000000000002EFh
  00cd  sub       rsp,10h
  00d4  sub       r13,19h
  00db  js        000000000000011Eh
  00e1  mov       ebx,[rbp+10h]
  00e8  mov       esi,[rbp+18h]
  00ef  lea       ebx,[rsi+rbx*4]
  00f4  lea       r11,[rbx+4]
  00fc  cmp       r11,r10
  00ff  ja        00000000000002A9h
  0105  cmova     r11,r10
  0109  mov       ebx,[r14+r11-4]
  0111  mov       [rbp+10h],rbx
  0118  mov       rsp,rbp
  011b  pop       rbp
  011c  ret
  011d  int3
  011e  mov       [r15+20h],r13
  0125  mov       rdi,r15
  0128  mov       rsi,rsp
  012b  mov       rdx,r11
  012e  call      0000000000000133h
  0133  mov       r13,[r15+20h]
  013a  test      eax,eax
  013c  jne       000000000000029Ah
  0142  mov       r14,[r15]
  0149  mov       r10,[r15+8]
  0150  jmp       00000000000000E1h
